"""Public tests of exercise 02: publish on failure, clean up on the event."""

from __future__ import annotations

import pytest

from data.data_quality.application.validation_events import validate_and_publish
from data.data_science.application.cleanup_on_failure import CleanupOnValidationFailure
from deployment.bootstrap import bootstrap
from shared.integration.cross_domain_patterns import EventBus
from shared.interfaces import DataSet
from shared.interfaces.events import DataCleaned, DataValidationFailed

GAPS = DataSet.from_records(
    [{"id": 1, "amount": 5.0}, {"id": 2, "amount": None}, {"id": 3, "amount": 7.0}], name="gaps"
)
CLEAN = DataSet.from_records([{"id": 1, "amount": 5.0}], name="clean")


def recorder(bus: EventBus, topic: str) -> list[object]:
    seen: list[object] = []
    bus.subscribe(topic, seen.append)
    return seen


@pytest.mark.points(2)
async def test_an_invalid_dataset_is_announced_once() -> None:
    """An invalid dataset is announced with one DataValidationFailed"""
    app = bootstrap()
    validator = await app.locator.get_service("data_quality", "validator")
    failures = recorder(app.event_bus, DataValidationFailed.topic)

    report = await validate_and_publish(GAPS, validator, app.event_bus)

    assert not report.is_valid
    assert len(failures) == 1
    (event,) = failures
    assert isinstance(event, DataValidationFailed)
    assert (event.dataset_name, event.issue_count) == ("gaps", len(report.issues))
    assert event.dataset == GAPS


async def test_a_valid_dataset_announces_nothing() -> None:
    """A valid dataset publishes no event"""
    app = bootstrap()
    validator = await app.locator.get_service("data_quality", "validator")
    failures = recorder(app.event_bus, "data_quality.**")

    report = await validate_and_publish(CLEAN, validator, app.event_bus)

    assert report.is_valid
    assert failures == []


@pytest.mark.points(2)
async def test_the_failure_event_triggers_a_cleanup() -> None:
    """The data science handler cleans the dataset and says so"""
    app = bootstrap()
    cleanup = CleanupOnValidationFailure(app.event_bus, app.locator)
    cleaned = recorder(app.event_bus, DataCleaned.topic)

    outcomes = await app.event_bus.publish(DataValidationFailed("gaps", 1, ["missing"], GAPS))

    assert outcomes.all_succeeded, [repr(o.error) for o in outcomes.failures]
    assert [row["id"] for row in cleanup.cleaned["gaps"].records] == [1, 3]
    (event,) = cleaned
    assert isinstance(event, DataCleaned)
    assert (event.dataset_name, event.rows_before, event.rows_after) == ("gaps", 3, 2)
