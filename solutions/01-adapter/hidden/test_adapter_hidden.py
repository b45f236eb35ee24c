"""Hidden tests of exercise 01: timeout, logging, and the result passed through."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from data.data_quality.adapters.anomaly_detection import AnomalyDetectionAdapter
from shared.integration.cross_domain_patterns import DomainServiceLocator
from shared.interfaces import AnomalyResult, DataSet

DATASET = DataSet.from_records([{"x": 1.0}, {"x": 2.0}], name="tiny")


class SlowDetector:
    async def detect(self, dataset: DataSet) -> AnomalyResult:
        await asyncio.sleep(30)
        raise AssertionError("unreachable")


class RecordingDetector:
    def __init__(self) -> None:
        self.seen: list[DataSet] = []
        self.answer = AnomalyResult("tiny", "fake", 1.0)

    async def detect(self, dataset: DataSet) -> AnomalyResult:
        self.seen.append(dataset)
        return self.answer


@pytest.mark.points(2)
async def test_a_slow_detector_times_out() -> None:
    """A detector that never answers is given up on"""
    locator = DomainServiceLocator(adapter_timeout=0.2)
    locator.register_service("anomaly_detection", "detector", SlowDetector(), factory=False)
    adapter = locator.get_adapter(AnomalyDetectionAdapter)

    started = time.monotonic()
    with pytest.raises(TimeoutError):
        await adapter.detect_anomalies(DATASET)

    assert time.monotonic() - started < 2


async def test_the_call_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    """Each cross-domain call is logged with domain and service"""
    locator = DomainServiceLocator()
    locator.register_service("anomaly_detection", "detector", RecordingDetector(), factory=False)
    caplog.set_level(logging.INFO)

    await locator.get_adapter(AnomalyDetectionAdapter).detect_anomalies(DATASET)

    assert any(
        "anomaly_detection" in r.getMessage() and "detector" in r.getMessage()
        for r in caplog.records
    )


async def test_the_dataset_and_result_pass_through_unchanged() -> None:
    """The detector gets the dataset as it is and its result comes back as it is"""
    detector = RecordingDetector()
    locator = DomainServiceLocator()
    locator.register_service("anomaly_detection", "detector", detector, factory=False)

    result = await locator.get_adapter(AnomalyDetectionAdapter).detect_anomalies(DATASET)

    assert result is detector.answer
    assert detector.seen == [DATASET]
