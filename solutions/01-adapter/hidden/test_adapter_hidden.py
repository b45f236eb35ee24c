"""Hidden tests of exercise 01: timeout, logging, and the result passed through."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from data.data_quality.adapters.anomaly_detection import AnomalyDetectionAdapter
from grader.testing import assert_strict_equal
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


class BrokenDetector:
    async def detect(self, dataset: DataSet) -> AnomalyResult:
        raise ValueError("boom")


def locator_with(detector: object, **options: float) -> DomainServiceLocator:
    locator = DomainServiceLocator(**options)
    locator.register_service("anomaly_detection", "detector", detector, factory=False)
    return locator


@pytest.mark.points(2)
async def test_a_slow_detector_times_out() -> None:
    """A detector that never answers is given up on after the adapter's timeout"""
    adapter = locator_with(SlowDetector(), adapter_timeout=0.2).get_adapter(AnomalyDetectionAdapter)

    started = time.monotonic()
    with pytest.raises(TimeoutError):
        await adapter.detect_anomalies(DATASET)

    assert time.monotonic() - started < 2


def logged_calls(caplog: pytest.LogCaptureFixture) -> int:
    return sum(
        "anomaly_detection" in r.getMessage() and "detector" in r.getMessage()
        for r in caplog.records
    )


async def test_the_call_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    """Each cross-domain call, successful or failed, is logged with domain and service"""
    caplog.set_level(logging.INFO)

    working = locator_with(RecordingDetector()).get_adapter(AnomalyDetectionAdapter)
    await working.detect_anomalies(DATASET)
    assert logged_calls(caplog) >= 1, "a successful call left no log line"

    caplog.clear()
    broken = locator_with(BrokenDetector()).get_adapter(AnomalyDetectionAdapter)
    with pytest.raises(Exception):  # noqa: B017, PT011 - the error is checked elsewhere
        await broken.detect_anomalies(DATASET)
    assert logged_calls(caplog) >= 1, "a failed call left no log line"


async def test_the_dataset_and_result_pass_through_unchanged() -> None:
    """The detector gets the dataset as it is, at each call, and its result comes back as it is"""
    detector = RecordingDetector()
    adapter = locator_with(detector).get_adapter(AnomalyDetectionAdapter)

    first = await adapter.detect_anomalies(DATASET)
    assert first is detector.answer, "the result is not the detector's own"
    detector.answer = AnomalyResult("tiny", "fake", 2.0)
    second = await adapter.detect_anomalies(DATASET)
    assert second is detector.answer, "the second call did not ask the detector again"

    assert_strict_equal(detector.seen, [DATASET, DATASET])
