"""Hidden tests of exercise 00."""

from __future__ import annotations

import pytest

from data.data_science.application.outlier_report import OutlierReport
from grader.testing import assert_strict_equal
from shared.integration.cross_domain_patterns import DomainServiceLocator
from shared.interfaces import Anomaly, AnomalyResult, DataSet


def dataset(name: str, *amounts: float) -> DataSet:
    return DataSet.from_records([{"amount": a, "fee": a} for a in amounts], name=name)


class AboveHundred:
    """Flags every value above 100, in each column: a row can be flagged twice."""

    async def detect(self, dataset: DataSet) -> AnomalyResult:
        found = tuple(
            Anomaly(row, column, value, value / 10)
            for column in ("fee", "amount")
            for row, value in enumerate(dataset.column(column))
            if value > 100
        )
        return AnomalyResult(dataset.name, "fake", 100.0, found)


class Broken:
    async def detect(self, dataset: DataSet) -> AnomalyResult:
        raise RuntimeError("the disk is on fire")


def locator_with(detector: object) -> DomainServiceLocator:
    locator = DomainServiceLocator()
    locator.register_service("anomaly_detection", "detector", detector, factory=False)
    return locator


async def test_the_summary_counts_outlier_rows() -> None:
    """Outlier rows are listed once each, and the summary names the dataset and counts them"""
    report = OutlierReport(locator_with(AboveHundred()))
    sales = dataset("sales", 1.0, 500.0, 2.0, 3.0, 700.0)

    assert_strict_equal(await report.outlier_rows(sales), [1, 4])
    assert_strict_equal(await report.summary(sales), "sales: 2 outlier row(s)")
    assert_strict_equal(await report.summary(dataset("one", 1.0, 200.0)), "one: 1 outlier row(s)")
    assert_strict_equal(await report.outlier_rows(dataset("none", 1.0, 2.0)), [])
    assert_strict_equal(await report.summary(dataset("none", 1.0, 2.0)), "none: 0 outlier row(s)")
    assert_strict_equal(await report.summary(dataset("empty")), "empty: 0 outlier row(s)")


async def test_building_the_report_builds_nothing_else() -> None:
    """Creating the report needs no detector yet; each call asks the detector about its dataset"""
    locator = DomainServiceLocator()
    report = OutlierReport(locator)
    locator.register_service("anomaly_detection", "detector", AboveHundred(), factory=False)

    assert_strict_equal(await report.outlier_rows(dataset("first", 300.0, 1.0)), [0])
    assert_strict_equal(await report.outlier_rows(dataset("second", 1.0, 2.0, 300.0)), [2])
    assert_strict_equal(await report.summary(dataset("third", 1.0)), "third: 0 outlier row(s)")


async def test_a_missing_detector_is_a_clear_error() -> None:
    """A missing or failing detector is an error for the caller, never an empty report"""
    sales = dataset("sales", 1.0, 500.0)
    missing = OutlierReport(DomainServiceLocator())
    with pytest.raises(Exception, match="detector"):
        await missing.outlier_rows(sales)
    with pytest.raises(Exception, match="detector"):
        await missing.summary(sales)

    broken = OutlierReport(locator_with(Broken()))
    with pytest.raises(Exception):  # noqa: B017, PT011 - any error, as long as it is not swallowed
        await broken.outlier_rows(sales)
    with pytest.raises(Exception):  # noqa: B017, PT011
        await broken.summary(sales)
