"""Exercise 02: other correct event flows earn full marks; plausible wrong ones do not."""

from __future__ import annotations

from decimal import Decimal

import pytest

from grader.domain.result import Outcome
from tests.exercises.support import failed, grade

PUBLISH = "data/data_quality/application/validation_events.py"
CLEANUP = "data/data_science/application/cleanup_on_failure.py"

REFERENCE_PUBLISH = """
from shared.interfaces.events import DataValidationFailed


async def validate_and_publish(dataset, validator, event_bus):
    report = await validator.validate(dataset)
    if not report.is_valid:
        messages = [issue.message for issue in report.issues]
        await event_bus.publish(
            DataValidationFailed(dataset.name, len(report.issues), messages, dataset)
        )
    return report
"""

CORRECT = {
    "keyword event, ids in a dict, undone on failure": {
        PUBLISH: """
from shared.interfaces.events import DataValidationFailed


async def validate_and_publish(dataset, validator, event_bus):
    report = await validator.validate(dataset)
    if report.is_valid:
        return report
    event = DataValidationFailed(
        dataset_name=dataset.name,
        issue_count=len(report.issues),
        issues=[i.message for i in report.issues],
        dataset=dataset,
    )
    await event_bus.publish(event)
    return report
""",
        CLEANUP: """
from shared.interfaces.events import DataCleaned, DataValidationFailed


class CleanupOnValidationFailure:
    def __init__(self, event_bus, service_locator):
        self.bus = event_bus
        self.locator = service_locator
        self.cleaned = {}
        self.done = {}
        event_bus.subscribe(DataValidationFailed.topic, self.handle)

    async def handle(self, event):
        if self.done.get(event.event_id):
            return
        self.done[event.event_id] = True
        try:
            service = await self.locator.get_service("data_science", "cleaner")
            dataset, report = await service.clean(event.dataset)
        except Exception:
            del self.done[event.event_id]
            raise
        self.cleaned[event.dataset_name] = dataset
        await self.bus.publish(DataCleaned(event.dataset_name, report.rows_before, len(dataset)))
""",
    },
    "wildcard subscription, service from the locator": {
        PUBLISH: REFERENCE_PUBLISH,
        CLEANUP: """
from shared.interfaces.events import DataCleaned


class CleanupOnValidationFailure:
    def __init__(self, event_bus, service_locator):
        self.event_bus = event_bus
        self.locator = service_locator
        self.cleaned = {}
        self.seen = set()
        self.subscription = event_bus.subscribe("data_quality.validation.*", self.handle)

    async def handle(self, event):
        if event.event_id in self.seen:
            return
        self.seen.add(event.event_id)
        try:
            cleaner = await self.locator.get_service("data_science", "cleaner")
            cleaned, report = await cleaner.clean(event.dataset)
        except BaseException:
            self.seen.remove(event.event_id)
            raise
        self.cleaned[event.dataset_name] = cleaned
        await self.event_bus.publish(
            DataCleaned(event.dataset_name, report.rows_before, report.rows_after)
        )
""",
    },
    "adapter fetched in the handler, busy and done apart": {
        PUBLISH: REFERENCE_PUBLISH,
        CLEANUP: """
from shared.integration.domain_adapters import DataScienceAdapter
from shared.interfaces.events import DataCleaned, DataValidationFailed


class CleanupOnValidationFailure:
    def __init__(self, event_bus, service_locator):
        self._bus, self._locator = event_bus, service_locator
        self.cleaned = {}
        self._handled = []
        self._busy = set()
        event_bus.subscribe(DataValidationFailed.topic, self.handle)

    async def handle(self, event: DataValidationFailed) -> None:
        if event.event_id in self._handled or event.event_id in self._busy:
            return
        self._busy.add(event.event_id)
        try:
            adapter = self._locator.get_adapter(DataScienceAdapter)
            cleaned, report = await adapter.clean(event.dataset)
        finally:
            self._busy.discard(event.event_id)
        self._handled.append(event.event_id)
        self.cleaned[event.dataset_name] = cleaned
        follow_up = DataCleaned(event.dataset_name, report.rows_before, report.rows_after)
        await self._bus.publish(follow_up)
""",
    },
    "one handler at a time, under a lock": {
        PUBLISH: """
from shared.interfaces.events import DataValidationFailed


async def validate_and_publish(dataset, validator, event_bus):
    report = await validator.validate(dataset)
    if not report.is_valid:
        issues = tuple(issue.message for issue in report.issues)
        await event_bus.publish(DataValidationFailed(dataset.name, len(issues), issues, dataset))
    return report
""",
        CLEANUP: """
import asyncio

from shared.integration.domain_adapters import DataScienceAdapter
from shared.interfaces.events import DataCleaned, DataValidationFailed


class CleanupOnValidationFailure:
    def __init__(self, event_bus, service_locator):
        self.event_bus = event_bus
        self.adapter = service_locator.get_adapter(DataScienceAdapter)
        self.cleaned = {}
        self.handled = set()
        self.lock = asyncio.Lock()
        event_bus.subscribe(DataValidationFailed.topic, self.on_failure)

    async def on_failure(self, event):
        async with self.lock:
            if event.event_id in self.handled:
                return
            cleaned, report = await self.adapter.clean(event.dataset)
            self.handled.add(event.event_id)
            self.cleaned[event.dataset_name] = cleaned
        await self.event_bus.publish(
            DataCleaned(event.dataset_name, report.rows_before, report.rows_after)
        )
""",
    },
}

REFERENCE_CLEANUP = CORRECT["wildcard subscription, service from the locator"][CLEANUP]


def cleanup(handle: str) -> str:
    """A cleanup module whose handler body is ``handle`` (indented by 8 spaces)."""
    return (
        """
import logging

from data.data_science.application.cleaning import DataCleaningService
from shared.integration.domain_adapters import DataScienceAdapter
from shared.interfaces.events import DataCleaned, DataValidationFailed

log = logging.getLogger(__name__)


class CleanupOnValidationFailure:
    def __init__(self, event_bus, service_locator):
        self.event_bus = event_bus
        self.cleaner = service_locator.get_adapter(DataScienceAdapter)
        self.cleaned = {}
        self.handled = set()
        event_bus.subscribe(DataValidationFailed.topic, self.handle)

    async def handle(self, event):
"""
        + handle
    )


WRONG = {
    "not idempotent": (
        {
            PUBLISH: REFERENCE_PUBLISH,
            CLEANUP: REFERENCE_CLEANUP.replace(
                "        if event.event_id in self.seen:\n            return\n", ""
            ),
        },
        7,
        {"test_a_redelivered_event_is_cleaned_once": Outcome.FAILED},
    ),
    "announces valid data too": (
        {
            PUBLISH: REFERENCE_PUBLISH.replace("    if not report.is_valid:\n", "    if True:\n"),
            CLEANUP: REFERENCE_CLEANUP,
        },
        7,
        {"test_a_valid_dataset_announces_nothing": Outcome.FAILED},
    ),
    "calls data science directly": (
        {
            PUBLISH: """
from data.data_science.application.cleaning import DataCleaningService


async def validate_and_publish(dataset, validator, event_bus):
    report = await validator.validate(dataset)
    if not report.is_valid:
        await DataCleaningService().clean(dataset)
    return report
""",
            CLEANUP: REFERENCE_CLEANUP,
        },
        0,
        None,
    ),
    # One event per issue instead of one per dataset.
    "one event per issue": (
        {
            PUBLISH: """
from shared.interfaces.events import DataValidationFailed


async def validate_and_publish(dataset, validator, event_bus):
    report = await validator.validate(dataset)
    for issue in report.issues:
        await event_bus.publish(DataValidationFailed(dataset.name, 1, [issue.message], dataset))
    return report
""",
            CLEANUP: REFERENCE_CLEANUP,
        },
        7,
        {"test_an_invalid_dataset_is_announced_once": Outcome.FAILED},
    ),
    # The event carries the issue objects, not their messages.
    "the issues, not their messages": (
        {
            PUBLISH: REFERENCE_PUBLISH.replace(
                "[issue.message for issue in report.issues]", "list(report.issues)"
            ),
            CLEANUP: REFERENCE_CLEANUP,
        },
        7,
        {"test_an_invalid_dataset_is_announced_once": Outcome.FAILED},
    ),
    # A validator that fails is taken for a valid dataset.
    "a failing validator means valid": (
        {
            PUBLISH: """
from shared.interfaces import ValidationReport
from shared.interfaces.events import DataValidationFailed


async def validate_and_publish(dataset, validator, event_bus):
    try:
        report = await validator.validate(dataset)
    except Exception:
        return ValidationReport(dataset.name, (), len(dataset))
    if not report.is_valid:
        messages = [issue.message for issue in report.issues]
        await event_bus.publish(
            DataValidationFailed(dataset.name, len(report.issues), messages, dataset)
        )
    return report
""",
            CLEANUP: REFERENCE_CLEANUP,
        },
        7,
        {"test_a_validator_error_reaches_the_caller": Outcome.FAILED},
    ),
    # Announces the cleanup before keeping its result.
    "announces before keeping": (
        {
            PUBLISH: REFERENCE_PUBLISH,
            CLEANUP: cleanup(
                """        if event.event_id in self.handled:
            return
        self.handled.add(event.event_id)
        try:
            cleaned, report = await self.cleaner.clean(event.dataset)
        except Exception:
            self.handled.discard(event.event_id)
            raise
        await self.event_bus.publish(
            DataCleaned(event.dataset_name, report.rows_before, report.rows_after)
        )
        self.cleaned[event.dataset_name] = cleaned
"""
            ),
        },
        7,
        {"test_the_cleanup_keeps_the_correlation": Outcome.FAILED},
    ),
    # Idempotent by dataset name: a new failure of a dataset already cleaned is ignored.
    "idempotent by dataset name": (
        {
            PUBLISH: REFERENCE_PUBLISH,
            CLEANUP: cleanup(
                """        if event.dataset_name in self.cleaned:
            return
        cleaned, report = await self.cleaner.clean(event.dataset)
        self.cleaned[event.dataset_name] = cleaned
        await self.event_bus.publish(
            DataCleaned(event.dataset_name, report.rows_before, report.rows_after)
        )
"""
            ),
        },
        7,
        {"test_a_redelivered_event_is_cleaned_once": Outcome.FAILED},
    ),
    # A failing cleaner is logged and forgotten: the bus never hears of the failure.
    "swallows the cleaner's error": (
        {
            PUBLISH: REFERENCE_PUBLISH,
            CLEANUP: cleanup(
                """        if event.event_id in self.handled:
            return
        try:
            cleaned, report = await self.cleaner.clean(event.dataset)
        except Exception:
            log.exception("could not clean %s", event.dataset_name)
            return
        self.handled.add(event.event_id)
        self.cleaned[event.dataset_name] = cleaned
        await self.event_bus.publish(
            DataCleaned(event.dataset_name, report.rows_before, report.rows_after)
        )
"""
            ),
        },
        6,
        {
            "test_a_redelivered_event_is_cleaned_once": Outcome.FAILED,
            "test_a_failed_cleanup_can_be_redelivered": Outcome.FAILED,
        },
    ),
    # Marks the event handled before cleaning, for good: a failed cleanup is never retried.
    "marked handled even when the cleanup fails": (
        {
            PUBLISH: REFERENCE_PUBLISH,
            CLEANUP: cleanup(
                """        if event.event_id in self.handled:
            return
        self.handled.add(event.event_id)
        cleaned, report = await self.cleaner.clean(event.dataset)
        self.cleaned[event.dataset_name] = cleaned
        await self.event_bus.publish(
            DataCleaned(event.dataset_name, report.rows_before, report.rows_after)
        )
"""
            ),
        },
        7,
        {"test_a_failed_cleanup_can_be_redelivered": Outcome.FAILED},
    ),
    # Marks the event handled only after cleaning: two deliveries at once both clean.
    "marked handled only after cleaning": (
        {
            PUBLISH: REFERENCE_PUBLISH,
            CLEANUP: cleanup(
                """        if event.event_id in self.handled:
            return
        cleaned, report = await self.cleaner.clean(event.dataset)
        self.handled.add(event.event_id)
        self.cleaned[event.dataset_name] = cleaned
        await self.event_bus.publish(
            DataCleaned(event.dataset_name, report.rows_before, report.rows_after)
        )
"""
            ),
        },
        7,
        {"test_a_redelivered_event_is_cleaned_once": Outcome.FAILED},
    ),
    # Builds its own domain's cleaner instead of the one the locator holds.
    "builds its own cleaner": (
        {
            PUBLISH: REFERENCE_PUBLISH,
            CLEANUP: cleanup(
                """        if event.event_id in self.handled:
            return
        self.handled.add(event.event_id)
        try:
            cleaned, report = await DataCleaningService().clean(event.dataset)
        except Exception:
            self.handled.discard(event.event_id)
            raise
        self.cleaned[event.dataset_name] = cleaned
        await self.event_bus.publish(
            DataCleaned(event.dataset_name, report.rows_before, report.rows_after)
        )
"""
            ),
        },
        6,
        {
            "test_a_redelivered_event_is_cleaned_once": Outcome.FAILED,
            "test_a_failed_cleanup_can_be_redelivered": Outcome.FAILED,
        },
    ),
    # Sets the flow's ids by hand, from the wrong fields.
    "correlation set by hand": (
        {
            PUBLISH: REFERENCE_PUBLISH,
            CLEANUP: cleanup(
                """        if event.event_id in self.handled:
            return
        self.handled.add(event.event_id)
        try:
            cleaned, report = await self.cleaner.clean(event.dataset)
        except Exception:
            self.handled.discard(event.event_id)
            raise
        self.cleaned[event.dataset_name] = cleaned
        done = DataCleaned(event.dataset_name, report.rows_before, report.rows_after)
        done.correlation_id = event.event_id
        await self.event_bus.publish(done)
"""
            ),
        },
        7,
        {"test_the_cleanup_keeps_the_correlation": Outcome.FAILED},
    ),
}


@pytest.mark.parametrize("name", CORRECT)
def test_other_correct_answers_earn_full_marks(name: str) -> None:
    result = grade("02-events", CORRECT[name])

    assert result.full_marks, (result.summary, failed(result))


@pytest.mark.parametrize("name", WRONG)
def test_wrong_answers_lose_the_right_points(name: str) -> None:
    answers, score, failures = WRONG[name]

    result = grade("02-events", answers)

    assert result.score == Decimal(score), result.summary
    if failures is not None:
        assert failed(result) == failures
    elif score == 0:
        assert "boundary check 'domains-independent' broken" in result.summary
