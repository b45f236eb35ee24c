"""Public tests of exercise 00: the outlier report, reached through the locator."""

from __future__ import annotations

import pytest

from data.data_science.application.outlier_report import OutlierReport
from deployment.bootstrap import bootstrap
from grader.testing import assert_strict_equal
from shared.integration.cross_domain_patterns import DomainServiceLocator
from shared.interfaces import Anomaly, AnomalyResult, DataSet


def payments() -> DataSet:
    rows = [{"id": i, "amount": 10.0 + i % 3} for i in range(12)] + [{"id": 12, "amount": 500.0}]
    return DataSet.from_records(rows, name="payments")


class FakeDetector:
    """Says row 3 is an anomaly, whatever the data; remembers what it was asked."""

    def __init__(self) -> None:
        self.seen: list[DataSet] = []

    async def detect(self, dataset: DataSet) -> AnomalyResult:
        self.seen.append(dataset)
        return AnomalyResult(dataset.name, "fake", 1.0, (Anomaly(3, "amount", 1.0, 9.9),))


@pytest.mark.points(2)
async def test_finds_outliers_with_the_wired_application() -> None:
    """Finds the outlier with the detector the composition root wired, and sums it up"""
    report = OutlierReport(bootstrap().locator)

    assert_strict_equal(await report.outlier_rows(payments()), [12])
    assert_strict_equal(await report.summary(payments()), "payments: 1 outlier row(s)")


@pytest.mark.points(2)
async def test_uses_the_detector_it_is_given() -> None:
    """Uses whatever detector the locator holds (so it can be tested with a fake)"""
    detector = FakeDetector()
    locator = DomainServiceLocator()
    locator.register_service("anomaly_detection", "detector", detector, factory=False)
    data = payments()

    rows = await OutlierReport(locator).outlier_rows(data)

    assert_strict_equal(rows, [3])
    assert detector.seen, "the detector registered in the locator was never asked"
    assert all(seen is data for seen in detector.seen), "the detector got another dataset"
