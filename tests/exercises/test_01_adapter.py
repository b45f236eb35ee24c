"""Exercise 01: other correct adapters earn full marks; plausible wrong ones do not."""

from __future__ import annotations

from decimal import Decimal

import pytest

from grader.domain.result import Outcome
from tests.exercises.support import failed, grade, message

PATH = "data/data_quality/adapters/anomaly_detection.py"

CORRECT = {
    "by hand": """
import asyncio
import logging
import time

from shared.exceptions import AdapterError
from shared.integration.domain_adapters import BaseDomainAdapter

log = logging.getLogger(__name__)


class AnomalyDetectionAdapter(BaseDomainAdapter):
    domain_name = "anomaly_detection"

    async def detect_anomalies(self, dataset):
        started = time.monotonic()
        try:
            detector = await self.service_locator.get_service(self.domain_name, "detector")
            result = await asyncio.wait_for(detector.detect(dataset), self.timeout)
        except LookupError as error:
            raise AdapterError("anomaly_detection", "detector", "detect", str(error)) from error
        log.info("anomaly_detection.detector.detect took %.3f s", time.monotonic() - started)
        return result
""",
    "call with an explicit timeout": """
from shared.integration.domain_adapters import BaseDomainAdapter


class AnomalyDetectionAdapter(BaseDomainAdapter):
    domain_name = "anomaly_detection"

    async def detect_anomalies(self, dataset):
        return await self.call("detector", "detect", dataset, timeout=self.timeout)
""",
    "through a helper": """
from typing import Any

from shared.integration.domain_adapters import BaseDomainAdapter
from shared.interfaces import AnomalyResult, DataSet

DETECTOR = "detector"


class AnomalyDetectionAdapter(BaseDomainAdapter):
    domain_name = "anomaly_detection"

    async def _ask(self, operation: str, *args: Any) -> Any:
        return await self.call(DETECTOR, operation, *args)

    async def detect_anomalies(self, dataset: DataSet) -> AnomalyResult:
        answer: AnomalyResult = await self._ask("detect", dataset)
        return answer
""",
}

WRONG = {
    # The outline's own sketch: it works, but has no timeout and logs nothing.
    "no timeout, no log": (
        """
from shared.integration.domain_adapters import BaseDomainAdapter


class AnomalyDetectionAdapter(BaseDomainAdapter):
    domain_name = "anomaly_detection"

    async def detect_anomalies(self, dataset):
        service = await self.service_locator.get_service("anomaly_detection", "detector")
        return await service.detect(dataset)
""",
        4,
        {
            "test_a_slow_detector_times_out": Outcome.TIMEOUT,
            "test_the_call_is_logged": Outcome.FAILED,
        },
    ),
    "imports the other domain": (
        """
from data.anomaly_detection.application.detection import AnomalyDetectionService
from shared.integration.domain_adapters import BaseDomainAdapter


class AnomalyDetectionAdapter(BaseDomainAdapter):
    domain_name = "anomaly_detection"

    async def detect_anomalies(self, dataset):
        return await AnomalyDetectionService().detect(dataset)
""",
        0,
        None,
    ),
    "returns rows, not the result": (
        """
from shared.integration.domain_adapters import BaseDomainAdapter


class AnomalyDetectionAdapter(BaseDomainAdapter):
    domain_name = "anomaly_detection"

    async def detect_anomalies(self, dataset):
        result = await self.call("detector", "detect", dataset)
        return list(result.anomalous_rows)
""",
        4,
        {
            "test_finds_the_outlier_through_the_locator": Outcome.FAILED,
            "test_the_dataset_and_result_pass_through_unchanged": Outcome.FAILED,
        },
    ),
}


@pytest.mark.parametrize("name", CORRECT)
def test_other_correct_answers_earn_full_marks(name: str) -> None:
    result = grade("01-adapter", {PATH: CORRECT[name]})

    assert result.full_marks, (result.summary, failed(result))


@pytest.mark.parametrize("name", WRONG)
def test_wrong_answers_lose_the_right_points(name: str) -> None:
    source, score, failures = WRONG[name]

    result = grade("01-adapter", {PATH: source})

    assert result.score == Decimal(score), result.summary
    if failures is not None:
        assert failed(result) == failures


def test_a_wrong_return_type_is_explained() -> None:
    result = grade("01-adapter", {PATH: WRONG["returns rows, not the result"][0]})

    assert "expected an AnomalyResult, got [12]" in message(
        result, "test_finds_the_outlier_through_the_locator"
    )


def test_the_direct_import_is_shown_with_its_chain() -> None:
    result = grade("01-adapter", {PATH: WRONG["imports the other domain"][0]})

    gate = next(c for c in result.contracts if c.id == "domains-independent")
    assert gate.violations[0].chain == (
        "data.data_quality.adapters.anomaly_detection",
        "data.anomaly_detection.application.detection",
    )
