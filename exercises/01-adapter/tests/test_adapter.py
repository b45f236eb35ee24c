"""Public tests of exercise 01: the anomaly detection adapter."""

from __future__ import annotations

import pytest

from data.data_quality.adapters.anomaly_detection import AnomalyDetectionAdapter
from deployment.bootstrap import bootstrap
from grader.testing import assert_strict_equal
from shared.integration.cross_domain_patterns import DomainServiceLocator
from shared.integration.domain_adapters import BaseDomainAdapter
from shared.interfaces import AnomalyResult, DataSet


def payments() -> DataSet:
    rows = [{"id": i, "amount": 10.0 + i % 3} for i in range(12)] + [{"id": 12, "amount": 500.0}]
    return DataSet.from_records(rows, name="payments")


class BrokenDetector:
    async def detect(self, dataset: DataSet) -> AnomalyResult:
        raise ValueError("boom")


@pytest.mark.points(2)
async def test_finds_the_outlier_through_the_locator() -> None:
    """Finds the outlier with the detector registered in the locator"""
    assert issubclass(AnomalyDetectionAdapter, BaseDomainAdapter)
    assert_strict_equal(AnomalyDetectionAdapter.domain_name, "anomaly_detection")
    app = bootstrap()
    adapter = app.locator.get_adapter(AnomalyDetectionAdapter)

    result = await adapter.detect_anomalies(payments())

    assert type(result) is AnomalyResult, f"expected an AnomalyResult, got {result!r}"
    assert_strict_equal(result.anomalous_rows, (12,))
    assert_strict_equal(result.dataset_name, "payments")


async def test_a_missing_detector_is_a_clear_error() -> None:
    """A missing or failing detector is a clear error that names it"""
    missing = AnomalyDetectionAdapter(DomainServiceLocator())
    with pytest.raises(Exception) as caught:  # noqa: PT011 - which error is the answer's choice
        await missing.detect_anomalies(payments())
    assert "detector" in str(caught.value), f"the error does not name the detector: {caught.value}"

    locator = DomainServiceLocator()
    locator.register_service("anomaly_detection", "detector", BrokenDetector(), factory=False)
    with pytest.raises(Exception) as caught:  # noqa: PT011
        await locator.get_adapter(AnomalyDetectionAdapter).detect_anomalies(payments())
    assert "detector" in str(caught.value), f"the error does not name the detector: {caught.value}"
