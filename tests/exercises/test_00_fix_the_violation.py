"""Exercise 00: other correct refactorings earn full marks; plausible wrong ones do not."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.exercises.support import failed, grade

PATH = "data/data_science/application/outlier_report.py"

CORRECT = {
    "locator in each call": """
from shared.integration.cross_domain_patterns import DomainServiceLocator
from shared.interfaces import DataSet


class OutlierReport:
    def __init__(self, service_locator: DomainServiceLocator) -> None:
        self._locator = service_locator

    async def outlier_rows(self, dataset: DataSet) -> list[int]:
        detector = await self._locator.get_service("anomaly_detection", "detector")
        return list((await detector.detect(dataset)).anomalous_rows)

    async def summary(self, dataset: DataSet) -> str:
        return f"{dataset.name}: {len(await self.outlier_rows(dataset))} outlier row(s)"
""",
    "adapter built lazily": """
from shared.integration.domain_adapters import BaseDomainAdapter


class _Detection(BaseDomainAdapter):
    domain_name = "anomaly_detection"


class OutlierReport:
    def __init__(self, service_locator):
        self.service_locator = service_locator

    async def outlier_rows(self, dataset):
        adapter = self.service_locator.get_adapter(_Detection)
        result = await adapter.call("detector", "detect", dataset)
        return sorted({anomaly.row for anomaly in result.anomalies})

    async def summary(self, dataset):
        count = len(await self.outlier_rows(dataset))
        return "%s: %d outlier row(s)" % (dataset.name, count)
""",
    "dataclass with a helper": """
from dataclasses import dataclass

from shared.integration.cross_domain_patterns import DomainServiceLocator


async def _rows(locator, dataset):
    service = await locator.get_service("anomaly_detection", "detector")
    found = await service.detect(dataset)
    return [row for row in found.anomalous_rows]


@dataclass
class OutlierReport:
    service_locator: DomainServiceLocator

    async def outlier_rows(self, dataset):
        return await _rows(self.service_locator, dataset)

    async def summary(self, dataset):
        rows = await _rows(self.service_locator, dataset)
        return f"{dataset.name}: {len(rows)} outlier row(s)"
""",
}

WRONG = {
    # The import stays, the locator is ignored: the boundary gate caps the score.
    "keeps the import": (
        """
from data.anomaly_detection.application.detection import AnomalyDetectionService


class OutlierReport:
    def __init__(self, service_locator=None):
        self.detector = AnomalyDetectionService()

    async def outlier_rows(self, dataset):
        return list((await self.detector.detect(dataset)).anomalous_rows)

    async def summary(self, dataset):
        return f"{dataset.name}: {len(await self.outlier_rows(dataset))} outlier row(s)"
""",
        0,
        "boundary check 'domains-independent' broken (score capped at 0)",
    ),
    "hides the import": (
        """
import importlib


class OutlierReport:
    def __init__(self, service_locator):
        module = importlib.import_module("data.anomaly_detection.application.detection")
        self.detector = module.AnomalyDetectionService()

    async def outlier_rows(self, dataset):
        return list((await self.detector.detect(dataset)).anomalous_rows)

    async def summary(self, dataset):
        return f"{dataset.name}: {len(await self.outlier_rows(dataset))} outlier row(s)"
""",
        0,
        "boundary check 'dynamic-imports' broken (score capped at 0)",
    ),
    "wrong summary": (
        """
class OutlierReport:
    def __init__(self, service_locator):
        self.locator = service_locator

    async def outlier_rows(self, dataset):
        detector = await self.locator.get_service("anomaly_detection", "detector")
        return list((await detector.detect(dataset)).anomalous_rows)

    async def summary(self, dataset):
        return f"{len(await self.outlier_rows(dataset))} outliers in {dataset.name}"
""",
        6,
        "6 of 7 points",
    ),
}


@pytest.mark.parametrize("name", CORRECT)
def test_other_correct_answers_earn_full_marks(name: str) -> None:
    result = grade("00-fix-the-violation", {PATH: CORRECT[name]})

    assert result.full_marks, (result.summary, failed(result))


@pytest.mark.parametrize("name", WRONG)
def test_wrong_answers_lose_the_right_points(name: str) -> None:
    source, score, explanation = WRONG[name]

    result = grade("00-fix-the-violation", {PATH: source})

    assert result.score == Decimal(score), result.summary
    assert explanation in result.summary


def test_the_broken_boundary_is_explained_with_file_line_and_remedy() -> None:
    result = grade("00-fix-the-violation", {PATH: WRONG["keeps the import"][0]})

    gate = next(c for c in result.contracts if c.id == "domains-independent")
    (violation, *_) = gate.violations
    assert (violation.file, violation.line) == (PATH, 2)
    assert "adapter" in violation.advice
    assert violation.section == "course/patterns/domain-adapters.md"
