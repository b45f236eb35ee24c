"""Public tests of exercise 01: the anomaly detection adapter."""

from __future__ import annotations

import pytest

from data.data_quality.adapters.anomaly_detection import AnomalyDetectionAdapter
from deployment.bootstrap import bootstrap
from shared.exceptions import AdapterError
from shared.integration.cross_domain_patterns import DomainServiceLocator
from shared.integration.domain_adapters import BaseDomainAdapter
from shared.interfaces import AnomalyResult, DataSet


def payments() -> DataSet:
    rows = [{"id": i, "amount": 10.0 + i % 3} for i in range(12)] + [{"id": 12, "amount": 500.0}]
    return DataSet.from_records(rows, name="payments")


@pytest.mark.points(2)
async def test_finds_the_outlier_through_the_locator() -> None:
    """Finds the outlier with the detector registered in the locator"""
    assert issubclass(AnomalyDetectionAdapter, BaseDomainAdapter)
    assert AnomalyDetectionAdapter.domain_name == "anomaly_detection"
    app = bootstrap()
    adapter = app.locator.get_adapter(AnomalyDetectionAdapter)

    result = await adapter.detect_anomalies(payments())

    assert isinstance(result, AnomalyResult), f"expected an AnomalyResult, got {result!r}"
    assert result.anomalous_rows == (12,)


async def test_a_missing_detector_is_a_clear_error() -> None:
    """A missing detector is a clear error that names it"""
    adapter = AnomalyDetectionAdapter(DomainServiceLocator())

    with pytest.raises((AdapterError, LookupError)) as caught:
        await adapter.detect_anomalies(payments())

    assert "detector" in str(caught.value)
