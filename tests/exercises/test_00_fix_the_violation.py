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
    "typed adapter built per call": """
from shared.integration.domain_adapters import BaseDomainAdapter
from shared.interfaces import AnomalyResult, DataSet


class AnomalyDetectionPort(BaseDomainAdapter):
    domain_name = "anomaly_detection"

    async def find(self, dataset: DataSet) -> AnomalyResult:
        return await self.call("detector", "detect", dataset)


class OutlierReport:
    def __init__(self, service_locator):
        self._locator = service_locator

    async def outlier_rows(self, dataset):
        found = await AnomalyDetectionPort(self._locator).find(dataset)
        rows: list[int] = []
        for anomaly in sorted(found.anomalies, key=lambda a: a.row):
            if anomaly.row not in rows:
                rows.append(anomaly.row)
        return rows

    async def summary(self, dataset):
        rows = await self.outlier_rows(dataset)
        return dataset.name + ": " + str(len(rows)) + " outlier row(s)"
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
        3,
        "3 of 7 points",
    ),
    # Counts every anomaly: a row flagged in two columns is counted (and listed) twice.
    "counts anomalies, not rows": (
        """
class OutlierReport:
    def __init__(self, service_locator):
        self.locator = service_locator

    async def outlier_rows(self, dataset):
        detector = await self.locator.get_service("anomaly_detection", "detector")
        return [anomaly.row for anomaly in (await detector.detect(dataset)).anomalies]

    async def summary(self, dataset):
        return f"{dataset.name}: {len(await self.outlier_rows(dataset))} outlier row(s)"
""",
        5,
        "5 of 7 points",
    ),
    # Hands back the detector's tuple, not the list the report always returned.
    "returns the tuple": (
        """
class OutlierReport:
    def __init__(self, service_locator):
        self.locator = service_locator

    async def outlier_rows(self, dataset):
        detector = await self.locator.get_service("anomaly_detection", "detector")
        return (await detector.detect(dataset)).anomalous_rows

    async def summary(self, dataset):
        return f"{dataset.name}: {len(await self.outlier_rows(dataset))} outlier row(s)"
""",
        1,
        "1 of 7 points",
    ),
    # A broken or missing detector becomes an empty report instead of an error.
    "empty report when the detector fails": (
        """
from shared.integration.domain_adapters import BaseDomainAdapter


class _Detection(BaseDomainAdapter):
    domain_name = "anomaly_detection"


class OutlierReport:
    def __init__(self, service_locator):
        self.adapter = service_locator.get_adapter(_Detection)

    async def outlier_rows(self, dataset):
        try:
            result = await self.adapter.call("detector", "detect", dataset)
        except Exception:
            return []
        return list(result.anomalous_rows)

    async def summary(self, dataset):
        return f"{dataset.name}: {len(await self.outlier_rows(dataset))} outlier row(s)"
""",
        6,
        "6 of 7 points",
    ),
    # "Fixes" the plural, so the summary no longer reads as before.
    "proper plural": (
        """
class OutlierReport:
    def __init__(self, service_locator):
        self.locator = service_locator

    async def outlier_rows(self, dataset):
        detector = await self.locator.get_service("anomaly_detection", "detector")
        return list((await detector.detect(dataset)).anomalous_rows)

    async def summary(self, dataset):
        count = len(await self.outlier_rows(dataset))
        return f"{dataset.name}: {count} outlier row{'' if count == 1 else 's'}"
""",
        3,
        "3 of 7 points",
    ),
    # Asks the detector once and serves its first answer for every dataset.
    "remembers the first answer": (
        """
class OutlierReport:
    def __init__(self, service_locator):
        self.locator = service_locator
        self.rows = None

    async def outlier_rows(self, dataset):
        if self.rows is None:
            detector = await self.locator.get_service("anomaly_detection", "detector")
            self.rows = list((await detector.detect(dataset)).anomalous_rows)
        return self.rows

    async def summary(self, dataset):
        return f"{dataset.name}: {len(await self.outlier_rows(dataset))} outlier row(s)"
""",
        5,
        "5 of 7 points",
    ),
    # Reports the "id" column of the outlier rows (equal to the row number in the notebook).
    "reports the id column": (
        """
class OutlierReport:
    def __init__(self, service_locator):
        self.locator = service_locator

    async def outlier_rows(self, dataset):
        detector = await self.locator.get_service("anomaly_detection", "detector")
        result = await detector.detect(dataset)
        return [dataset.records[row].get("id", row + 1) for row in result.anomalous_rows]

    async def summary(self, dataset):
        return f"{dataset.name}: {len(await self.outlier_rows(dataset))} outlier row(s)"
""",
        5,
        "5 of 7 points",
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
