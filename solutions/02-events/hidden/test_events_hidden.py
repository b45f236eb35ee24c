"""Hidden tests of exercise 02: idempotence, correlation, failures, the whole chain."""

from __future__ import annotations

import asyncio

import pytest

from data.data_quality.application.validation_events import validate_and_publish
from data.data_science.application.cleanup_on_failure import CleanupOnValidationFailure
from deployment.bootstrap import bootstrap
from grader.testing import assert_strict_equal
from shared.integration.cross_domain_patterns import DomainServiceLocator, EventBus
from shared.integration.events import correlation_scope
from shared.interfaces import CleaningReport, DataSet
from shared.interfaces.events import DataCleaned, DataValidationFailed

GAPS = DataSet.from_records([{"id": 1, "v": 1.0}, {"id": 2, "v": None}], name="gaps")


class SlowCleaner:
    """Drops incomplete rows, slowly (so that two deliveries can overlap); can fail."""

    def __init__(self, failures: int = 0) -> None:
        self.calls: list[DataSet] = []
        self.failures = failures

    async def clean(self, dataset: DataSet) -> tuple[DataSet, CleaningReport]:
        self.calls.append(dataset)
        await asyncio.sleep(0.02)
        if self.failures:
            self.failures -= 1
            raise ConnectionError("the cleaner is down")
        kept = [r for r in dataset.records if None not in r.values()]
        return dataset.with_records(kept), CleaningReport(dataset.name, len(dataset), len(kept))


def wired(cleaner: SlowCleaner) -> tuple[EventBus, CleanupOnValidationFailure, list[DataCleaned]]:
    bus, locator = EventBus(), DomainServiceLocator()
    locator.register_service("data_science", "cleaner", cleaner, factory=False)
    cleanup = CleanupOnValidationFailure(bus, locator)
    published: list[DataCleaned] = []
    bus.subscribe(DataCleaned.topic, published.append)
    return bus, cleanup, published


async def test_a_redelivered_event_is_cleaned_once() -> None:
    """An event delivered twice (in turn or at once) is cleaned once; each other event is cleaned"""
    cleaner = SlowCleaner()
    bus, cleanup, published = wired(cleaner)
    event = DataValidationFailed("gaps", 1, ["missing"], GAPS)

    await bus.publish(event)
    await bus.publish(event)
    assert_strict_equal(len(published), 1)

    at_once = DataValidationFailed("gaps", 1, ["missing"], GAPS)
    await asyncio.gather(bus.publish(at_once), bus.publish(at_once))
    assert_strict_equal(len(published), 2)

    changed = GAPS.with_records([{"id": 7, "v": None}, {"id": 8, "v": 2.0}, {"id": 9, "v": 3.0}])
    await bus.publish(DataValidationFailed("gaps", 1, ["missing"], changed))
    assert_strict_equal(len(published), 3)
    assert_strict_equal(len(cleaner.calls), 3)
    assert_strict_equal([row["id"] for row in cleanup.cleaned["gaps"].records], [8, 9])


async def test_the_cleanup_keeps_the_correlation() -> None:
    """DataCleaned comes once the result is kept, in the failure's flow and naming it as cause"""
    bus, cleanup, published = wired(SlowCleaner())
    kept_when_announced: list[object] = []
    bus.subscribe(
        DataCleaned.topic, lambda event: kept_when_announced.append(cleanup.cleaned.get("gaps"))
    )
    with correlation_scope("flow-7"):
        failure = DataValidationFailed("gaps", 1, ["missing"], GAPS)

    await bus.publish(failure)

    (event,) = published
    assert_strict_equal(event.correlation_id, "flow-7")
    assert_strict_equal(event.causation_id, failure.event_id)
    assert_strict_equal((event.dataset_name, event.rows_before, event.rows_after), ("gaps", 2, 1))
    (kept,) = kept_when_announced
    assert type(kept) is DataSet, "DataCleaned was published before the result was kept"


async def test_a_failed_cleanup_can_be_redelivered() -> None:
    """A failed cleanup fails the handler: nothing is kept or announced, and a redelivery cleans"""
    bus, cleanup, published = wired(SlowCleaner(failures=1))
    failure = DataValidationFailed("gaps", 1, ["missing"], GAPS)

    outcome = await bus.publish(failure)

    assert_strict_equal(outcome.all_succeeded, False)
    assert_strict_equal(len(bus.dead_letters), 1)
    assert "the cleaner is down" in str(bus.dead_letters[0].error), "not the cleaner's error"
    assert_strict_equal(list(dict.keys(cleanup.cleaned)), [])
    assert_strict_equal(published, [])

    (letter,) = bus.dead_letters
    assert_strict_equal((await bus.redeliver(letter)).all_succeeded, True)
    assert_strict_equal(len(published), 1)
    assert_strict_equal([row["id"] for row in cleanup.cleaned["gaps"].records], [1])


async def test_a_validator_error_reaches_the_caller() -> None:
    """A validator that fails makes validate_and_publish fail, and nothing is published"""

    class BrokenValidator:
        async def validate(self, dataset: DataSet) -> object:
            raise RuntimeError("the validator is down")

    bus = EventBus()
    published: list[object] = []
    bus.subscribe("**", published.append)

    with pytest.raises(RuntimeError, match="the validator is down"):
        await validate_and_publish(GAPS, BrokenValidator(), bus)
    assert_strict_equal(published, [])


async def test_the_whole_chain_runs_from_validation_to_cleanup() -> None:
    """Validation failure leads to a cleaned, valid dataset"""
    app = bootstrap()
    cleanup = CleanupOnValidationFailure(app.event_bus, app.locator)
    validator = await app.locator.get_service("data_quality", "validator")

    report = await validate_and_publish(GAPS, validator, app.event_bus)

    assert_strict_equal(report.is_valid, False)
    kept = cleanup.cleaned["gaps"]
    assert type(kept) is DataSet, f"expected the cleaned DataSet, got {kept!r}"
    assert_strict_equal([row["id"] for row in kept.records], [1])
    assert_strict_equal((await validator.validate(kept)).is_valid, True)
