"""Hidden tests of exercise 02: idempotence, correlation, the whole chain."""

from __future__ import annotations

from data.data_quality.application.validation_events import validate_and_publish
from data.data_science.application.cleanup_on_failure import CleanupOnValidationFailure
from deployment.bootstrap import bootstrap
from shared.interfaces import DataSet
from shared.interfaces.events import DataCleaned, DataValidationFailed

GAPS = DataSet.from_records([{"id": 1, "v": 1.0}, {"id": 2, "v": None}], name="gaps")


async def test_a_redelivered_event_is_cleaned_once() -> None:
    """An event delivered twice is handled once"""
    app = bootstrap()
    CleanupOnValidationFailure(app.event_bus, app.locator)
    cleaned: list[object] = []
    app.event_bus.subscribe(DataCleaned.topic, cleaned.append)
    event = DataValidationFailed("gaps", 1, ["missing"], GAPS)

    await app.event_bus.publish(event)
    await app.event_bus.publish(event)

    assert len(cleaned) == 1


async def test_the_cleanup_keeps_the_correlation() -> None:
    """The cleanup event belongs to the same flow as the failure"""
    app = bootstrap()
    CleanupOnValidationFailure(app.event_bus, app.locator)
    cleaned: list[DataCleaned] = []
    app.event_bus.subscribe(DataCleaned.topic, cleaned.append)
    failure = DataValidationFailed("gaps", 1, ["missing"], GAPS)

    await app.event_bus.publish(failure)

    (event,) = cleaned
    assert event.correlation_id == failure.correlation_id
    assert event.causation_id == failure.event_id


async def test_the_whole_chain_runs_from_validation_to_cleanup() -> None:
    """Validation failure leads to a cleaned, valid dataset"""
    app = bootstrap()
    cleanup = CleanupOnValidationFailure(app.event_bus, app.locator)
    validator = await app.locator.get_service("data_quality", "validator")

    await validate_and_publish(GAPS, validator, app.event_bus)

    assert (await validator.validate(cleanup.cleaned["gaps"])).is_valid
