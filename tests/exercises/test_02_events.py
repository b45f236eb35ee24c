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
    "own domain's cleaner, ids in a dict": {
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
from data.data_science.application.cleaning import DataCleaningService
from shared.interfaces.events import DataCleaned, DataValidationFailed


class CleanupOnValidationFailure:
    def __init__(self, event_bus, service_locator):
        self.bus = event_bus
        self.service = DataCleaningService()
        self.cleaned = {}
        self.done = {}
        event_bus.subscribe(DataValidationFailed.topic, self.handle)

    async def handle(self, event):
        if self.done.get(event.event_id):
            return
        self.done[event.event_id] = True
        dataset, report = await self.service.clean(event.dataset)
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
        cleaner = await self.locator.get_service("data_science", "cleaner")
        cleaned, report = await cleaner.clean(event.dataset)
        self.cleaned[event.dataset_name] = cleaned
        await self.event_bus.publish(
            DataCleaned(event.dataset_name, report.rows_before, report.rows_after)
        )
""",
    },
    "adapter fetched in the handler": {
        PUBLISH: REFERENCE_PUBLISH,
        CLEANUP: """
from shared.integration.domain_adapters import DataScienceAdapter
from shared.interfaces.events import DataCleaned, DataValidationFailed


class CleanupOnValidationFailure:
    def __init__(self, event_bus, service_locator):
        self._bus, self._locator = event_bus, service_locator
        self.cleaned = {}
        self._handled = []
        event_bus.subscribe(DataValidationFailed.topic, self.handle)

    async def handle(self, event: DataValidationFailed) -> None:
        if event.event_id not in self._handled:
            self._handled.append(event.event_id)
            adapter = self._locator.get_adapter(DataScienceAdapter)
            cleaned, report = await adapter.clean(event.dataset)
            self.cleaned[event.dataset_name] = cleaned
            follow_up = DataCleaned(event.dataset_name, report.rows_before, report.rows_after)
            await self._bus.publish(follow_up)
""",
    },
}

REFERENCE_CLEANUP = CORRECT["wildcard subscription, service from the locator"][CLEANUP]

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
    else:
        assert "boundary check 'domains-independent' broken" in result.summary
