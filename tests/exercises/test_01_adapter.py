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
            return await asyncio.wait_for(detector.detect(dataset), self.timeout)
        except TimeoutError:
            raise
        except Exception as error:
            raise AdapterError("anomaly_detection", "detector", "detect", str(error)) from error
        finally:
            log.info("anomaly_detection.detector.detect took %.3f s", time.monotonic() - started)
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
    "wraps errors in its own exception": """
import logging

from shared.integration.domain_adapters import BaseDomainAdapter

logger = logging.getLogger("data_quality.anomaly_detection")


class DetectorUnavailable(RuntimeError):
    pass


class AnomalyDetectionAdapter(BaseDomainAdapter):
    domain_name = "anomaly_detection"

    async def detect_anomalies(self, dataset):
        logger.info("asking anomaly_detection/detector about %s", dataset.name)
        try:
            return await self.call("detector", "detect", dataset)
        except TimeoutError:
            raise
        except Exception as error:
            raise DetectorUnavailable(f"the anomaly detector failed: {error}") from error
""",
}

WRONG = {
    # The outline's own sketch: it works, but has no timeout, logs nothing, and lets the
    # detector's own errors out raw.
    "no timeout, no log": (
        """
from shared.integration.domain_adapters import BaseDomainAdapter


class AnomalyDetectionAdapter(BaseDomainAdapter):
    domain_name = "anomaly_detection"

    async def detect_anomalies(self, dataset):
        service = await self.service_locator.get_service("anomaly_detection", "detector")
        return await service.detect(dataset)
""",
        3,
        {
            "test_a_missing_detector_is_a_clear_error": Outcome.FAILED,
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
    # "Resilient": a failing or slow detector becomes an empty, made-up result.
    "made-up result when the detector fails": (
        """
import logging

from shared.integration.domain_adapters import BaseDomainAdapter
from shared.interfaces import AnomalyResult

log = logging.getLogger(__name__)


class AnomalyDetectionAdapter(BaseDomainAdapter):
    domain_name = "anomaly_detection"

    async def detect_anomalies(self, dataset):
        try:
            return await self.call("detector", "detect", dataset)
        except Exception:
            log.exception("anomaly_detection detector failed")
            return AnomalyResult(dataset.name, "unavailable", 0.0)
""",
        3,
        {
            "test_a_missing_detector_is_a_clear_error": Outcome.FAILED,
            "test_a_slow_detector_times_out": Outcome.FAILED,
            "test_the_call_is_logged": Outcome.FAILED,
        },
    ),
    # Only a missing detector is explained; the detector's own errors leave raw.
    "raw errors from the detector": (
        """
import asyncio
import logging

from shared.exceptions import AdapterError
from shared.integration.domain_adapters import BaseDomainAdapter

log = logging.getLogger(__name__)


class AnomalyDetectionAdapter(BaseDomainAdapter):
    domain_name = "anomaly_detection"

    async def detect_anomalies(self, dataset):
        log.info("calling anomaly_detection detector.detect")
        try:
            detector = await self.service_locator.get_service("anomaly_detection", "detector")
        except LookupError as error:
            raise AdapterError("anomaly_detection", "detector", "detect", str(error)) from error
        return await asyncio.wait_for(detector.detect(dataset), self.timeout)
""",
        6,
        {"test_a_missing_detector_is_a_clear_error": Outcome.FAILED},
    ),
    # A timeout, but a fixed one: the locator's adapter_timeout is ignored.
    "hard-coded timeout": (
        """
from shared.integration.domain_adapters import BaseDomainAdapter


class AnomalyDetectionAdapter(BaseDomainAdapter):
    domain_name = "anomaly_detection"

    async def detect_anomalies(self, dataset):
        return await self.call("detector", "detect", dataset, timeout=30)
""",
        5,
        {"test_a_slow_detector_times_out": Outcome.TIMEOUT},
    ),
    # Logs with print: nothing reaches the logging system.
    "prints instead of logging": (
        """
import asyncio

from shared.exceptions import AdapterError
from shared.integration.domain_adapters import BaseDomainAdapter


class AnomalyDetectionAdapter(BaseDomainAdapter):
    domain_name = "anomaly_detection"

    async def detect_anomalies(self, dataset):
        print("calling anomaly_detection.detector.detect")
        try:
            detector = await self.service_locator.get_service(self.domain_name, "detector")
            return await asyncio.wait_for(detector.detect(dataset), self.timeout)
        except TimeoutError:
            raise
        except Exception as error:
            raise AdapterError(self.domain_name, "detector", "detect", str(error)) from error
""",
        6,
        {"test_the_call_is_logged": Outcome.FAILED},
    ),
    # Logs only the calls that worked (the log line comes after the call).
    "logs only successes": (
        """
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
        except TimeoutError:
            raise
        except Exception as error:
            raise AdapterError(self.domain_name, "detector", "detect", str(error)) from error
        log.info("anomaly_detection.detector.detect took %.3f s", time.monotonic() - started)
        return result
""",
        6,
        {"test_the_call_is_logged": Outcome.FAILED},
    ),
    # Remembers each dataset's result: the detector is asked once per dataset name.
    "remembers results by dataset name": (
        """
from shared.integration.domain_adapters import BaseDomainAdapter


class AnomalyDetectionAdapter(BaseDomainAdapter):
    domain_name = "anomaly_detection"

    def __init__(self, service_locator, **options):
        super().__init__(service_locator, **options)
        self.results = {}

    async def detect_anomalies(self, dataset):
        if dataset.name not in self.results:
            self.results[dataset.name] = await self.call("detector", "detect", dataset)
        return self.results[dataset.name]
""",
        6,
        {"test_the_dataset_and_result_pass_through_unchanged": Outcome.FAILED},
    ),
    # Hands the detector a copy of the records, and rebuilds the result it got.
    "copies the dataset and the result": (
        """
from shared.integration.domain_adapters import BaseDomainAdapter
from shared.interfaces import AnomalyResult, DataSet


class AnomalyDetectionAdapter(BaseDomainAdapter):
    domain_name = "anomaly_detection"

    async def detect_anomalies(self, dataset):
        copy = DataSet.from_records(list(dataset.records), name=dataset.name)
        found = await self.call("detector", "detect", copy)
        return AnomalyResult(found.dataset_name, found.method, found.threshold, found.anomalies)
""",
        6,
        {"test_the_dataset_and_result_pass_through_unchanged": Outcome.FAILED},
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
