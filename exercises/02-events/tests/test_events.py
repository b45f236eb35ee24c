"""Public tests of exercise 02: publish on failure, clean up on the event."""

from __future__ import annotations

from data.data_quality.application.validation_events import validate_and_publish
from data.data_science.application.cleanup_on_failure import CleanupOnValidationFailure
from deployment.bootstrap import bootstrap
from grader.testing import assert_strict_equal, plain
from shared.integration.cross_domain_patterns import EventBus
from shared.interfaces import DataSet, ValidationReport
from shared.interfaces.events import DataCleaned, DataValidationFailed

GAPS = DataSet.from_records(
    [{"id": 1, "amount": 5.0}, {"id": 2, "amount": None}, {"id": 3, "amount": 7.0}], name="gaps"
)
HOLES = DataSet.from_records(
    [{"id": 1, "amount": None}, {"id": 2, "amount": 3.0}, {"id": 3, "amount": None}], name="holes"
)
CLEAN = DataSet.from_records([{"id": 1, "amount": 5.0}], name="clean")


def recorder(bus: EventBus, topic: str) -> list[object]:
    seen: list[object] = []
    bus.subscribe(topic, seen.append)
    return seen


async def test_an_invalid_dataset_is_announced_once() -> None:
    """An invalid dataset is announced with one DataValidationFailed that carries it"""
    app = bootstrap()
    validator = await app.locator.get_service("data_quality", "validator")
    expected = await validator.validate(HOLES)
    failures = recorder(app.event_bus, "**")

    report = await validate_and_publish(HOLES, validator, app.event_bus)

    assert type(report) is ValidationReport, f"expected a ValidationReport, got {report!r}"
    assert_strict_equal(plain(report), plain(expected))
    assert_strict_equal(len(failures), 1)
    (event,) = failures
    assert type(event) is DataValidationFailed, f"expected a DataValidationFailed, got {event!r}"
    assert_strict_equal((event.dataset_name, event.issue_count), ("holes", 2))
    assert type(event.issues) in (list, tuple), f"the messages: {event.issues!r}"
    assert_strict_equal(list(event.issues), [issue.message for issue in expected.issues])
    assert event.dataset is HOLES, "the event does not carry the dataset itself"


async def test_a_valid_dataset_announces_nothing() -> None:
    """A valid dataset publishes no event"""
    app = bootstrap()
    validator = await app.locator.get_service("data_quality", "validator")
    published = recorder(app.event_bus, "**")

    report = await validate_and_publish(CLEAN, validator, app.event_bus)

    assert type(report) is ValidationReport, f"expected a ValidationReport, got {report!r}"
    assert_strict_equal(plain(report), plain(await validator.validate(CLEAN)))
    assert_strict_equal(published, [])


async def test_the_failure_event_triggers_a_cleanup() -> None:
    """The data science handler cleans the dataset, keeps it and says so"""
    app = bootstrap()
    cleanup = CleanupOnValidationFailure(app.event_bus, app.locator)
    cleaned = recorder(app.event_bus, DataCleaned.topic)

    outcomes = await app.event_bus.publish(DataValidationFailed("gaps", 1, ["missing"], GAPS))

    assert outcomes.all_succeeded is True, [repr(o.error) for o in outcomes.failures]
    assert_strict_equal(list(dict.keys(cleanup.cleaned)), ["gaps"])
    kept = cleanup.cleaned["gaps"]
    assert type(kept) is DataSet, f"expected the cleaned DataSet, got {kept!r}"
    assert_strict_equal([row["id"] for row in kept.records], [1, 3])
    assert_strict_equal(len(cleaned), 1)
    (event,) = cleaned
    assert type(event) is DataCleaned, f"expected a DataCleaned, got {event!r}"
    assert_strict_equal((event.dataset_name, event.rows_before, event.rows_after), ("gaps", 3, 2))
