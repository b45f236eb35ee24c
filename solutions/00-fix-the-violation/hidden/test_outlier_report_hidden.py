"""Hidden tests of exercise 00."""

from __future__ import annotations

import pytest

from data.data_science.application.outlier_report import OutlierReport
from shared.integration.cross_domain_patterns import DomainServiceLocator
from shared.interfaces import Anomaly, AnomalyResult, DataSet

DATA = DataSet.from_records([{"amount": 1.0}] * 5, name="sales")


class TwoRows:
    async def detect(self, dataset: DataSet) -> AnomalyResult:
        found = (Anomaly(1, "amount", 1.0, 5.0), Anomaly(4, "amount", 1.0, 5.0))
        return AnomalyResult(dataset.name, "fake", 1.0, found)


async def test_the_summary_counts_outlier_rows() -> None:
    """The summary names the dataset and counts its outlier rows"""
    locator = DomainServiceLocator()
    locator.register_service("anomaly_detection", "detector", TwoRows(), factory=False)

    assert await OutlierReport(locator).summary(DATA) == "sales: 2 outlier row(s)"


def test_building_the_report_builds_nothing_else() -> None:
    """Creating the report needs no detector yet: it only keeps the locator"""
    OutlierReport(DomainServiceLocator())


async def test_a_missing_detector_is_a_clear_error() -> None:
    """Without a registered detector the error names it"""
    with pytest.raises(Exception, match="detector"):
        await OutlierReport(DomainServiceLocator()).outlier_rows(DATA)
