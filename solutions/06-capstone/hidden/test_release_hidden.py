"""Hidden tests of exercise 06: fakes for every domain, a failure at every step."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest

from data.data_science.application.dataset_release import DatasetRelease
from grader.testing import assert_strict_equal
from shared.exceptions import AdapterError, AdapterTimeout, NotAuthenticated, PermissionDenied
from shared.infrastructure.security import SecurityContext
from shared.integration.cross_domain_patterns import (
    DomainEvent,
    DomainServiceLocator,
    SagaResult,
    SagaStatus,
)
from shared.interfaces import Anomaly, AnomalyResult, DataSet, ValidationIssue, ValidationReport
from shared.interfaces.events import DatasetReleased

RELEASER = SecurityContext("ada", permissions=["datasets:release"])
ROWS = [{"id": i, "value": float(i)} for i in range(5)]
DATA = DataSet.from_records(ROWS, name="d")
STEPS = ("validate", "quarantine", "publish", "announce")


class World:
    """Fake validator, detector, object store and event bus, recording what happens."""

    def __init__(
        self,
        anomalous: tuple[int, ...] = (1, 3),
        failing: str | None = None,
        valid: bool = True,
    ) -> None:
        self.anomalous = anomalous
        self.failing = failing
        self.valid = valid
        self.calls: list[str] = []
        self.objects: dict[str, bytes] = {}
        self.events: list[DomainEvent] = []

    def _call(self, name: str) -> None:
        self.calls.append(name)
        if name == self.failing:
            raise RuntimeError(f"{name} failed")

    async def validate(self, dataset: DataSet) -> ValidationReport:
        self._call("validate")
        issues = () if self.valid else (ValidationIssue("type", "value", 2, "not a number"),)
        return ValidationReport(dataset.name, issues, len(dataset))

    async def detect(self, dataset: DataSet) -> AnomalyResult:
        self._call("detect")
        # Two anomalies per anomalous row, newest row first: it is rows that are held back.
        found = tuple(
            Anomaly(row, column, float(row), 9.0)
            for row in reversed(self.anomalous)
            for column in ("value", "id")
        )
        return AnomalyResult(dataset.name, "fake", 3.0, found)

    async def put(self, key: str, data: bytes) -> None:
        self._call(f"put {key}")
        self.objects[key] = data

    async def get(self, key: str) -> bytes:
        return self.objects[key]

    async def delete(self, key: str) -> None:
        self._call(f"delete {key}")
        self.objects.pop(key, None)

    async def keys(self, prefix: str = "") -> list[str]:
        return sorted(k for k in self.objects if k.startswith(prefix))

    async def publish(self, event: DomainEvent) -> None:
        self._call("publish")
        self.events.append(event)

    def locator(self, *, timeout: float | None = None, **services: Any) -> DomainServiceLocator:
        locator = DomainServiceLocator(adapter_timeout=timeout)
        wired = {
            ("data_quality", "validator"): self,
            ("anomaly_detection", "detector"): self,
            ("cloud", "object_store"): self,
        }
        for (domain, name), service in wired.items():
            service = services.get(domain, service)
            if service is not None:
                locator.register_service(domain, name, service, factory=False)
        return locator

    async def release(self, who: Any = RELEASER, **services: Any) -> Any:
        timeout = services.pop("timeout", None)
        locator = self.locator(timeout=timeout, **services)
        return await DatasetRelease(locator, self).release(DATA, who)  # type: ignore[arg-type]

    def stored(self) -> dict[str, Any]:
        return {key: json.loads(data) for key, data in self.objects.items()}

    def undone(self) -> list[str]:
        return [c for c in self.calls if c.startswith("delete")]


def released(rows: int, quarantined: int) -> dict[str, Any]:
    return {"dataset_name": "d", "key": "releases/d.json", "rows": rows, "quarantined": quarantined}


def assert_events(world: World, *payloads: dict[str, Any]) -> None:
    """The bus heard exactly these DatasetReleased events."""
    for event in world.events:
        assert type(event) is DatasetReleased, f"published a {type(event).__name__}"
    assert_strict_equal([event.payload for event in world.events], list(payloads))


def assert_ended(
    result: Any,
    status: SagaStatus,
    completed: tuple[str, ...],
    failed_step: str | None = None,
    undone: tuple[str, ...] = (),
) -> None:
    """``result`` is the saga's own result, and it ended this way."""
    assert type(result) is SagaResult, f"release() returned a {type(result).__name__}"
    assert_strict_equal(
        (result.name, result.status, result.completed_steps),
        ("dataset_release", status, completed),
    )
    assert_strict_equal((result.failed_step, result.compensated_steps), (failed_step, undone))


@pytest.mark.points(2)
async def test_anomalous_rows_go_to_quarantine_and_the_rest_is_released() -> None:
    """Anomalous rows are quarantined, the others released, and the event counts both"""
    world = World(anomalous=(1, 3))

    result = await world.release()

    assert_ended(result, SagaStatus.COMPLETED, STEPS)
    assert_strict_equal(
        world.stored(),
        {"quarantine/d.json": [ROWS[1], ROWS[3]], "releases/d.json": [ROWS[0], ROWS[2], ROWS[4]]},
    )
    assert_events(world, released(3, 2))
    assert_strict_equal(
        world.calls,
        ["validate", "detect", "put quarantine/d.json", "put releases/d.json", "publish"],
    )


async def test_a_clean_dataset_writes_no_quarantine() -> None:
    """With no anomaly, nothing is quarantined and every row is released"""
    world = World(anomalous=())

    result = await world.release()

    assert_ended(result, SagaStatus.COMPLETED, STEPS)
    assert_strict_equal(world.stored(), {"releases/d.json": ROWS})
    assert_events(world, released(5, 0))
    assert_strict_equal(world.calls, ["validate", "detect", "put releases/d.json", "publish"])


async def test_when_every_row_is_anomalous_an_empty_release_is_published() -> None:
    """When every row is anomalous, all are quarantined and an empty release is published"""
    world = World(anomalous=(0, 1, 2, 3, 4))

    result = await world.release()

    assert_ended(result, SagaStatus.COMPLETED, STEPS)
    assert_strict_equal(world.stored(), {"quarantine/d.json": ROWS, "releases/d.json": []})
    assert_events(world, released(0, 5))


async def test_invalid_data_stops_the_release_before_anything_else_is_asked() -> None:
    """Invalid data stops the release at validation: no detector, no object, no event"""
    world = World(valid=False)

    result = await world.release()

    assert_ended(result, SagaStatus.COMPENSATED, (), "validate")
    assert_strict_equal(world.calls, ["validate"])
    assert_strict_equal(world.objects, {})
    assert_events(world)


async def test_a_failing_detector_stops_the_release_with_nothing_to_undo() -> None:
    """A failing anomaly detector stops the release before anything is stored"""
    world = World(failing="detect")

    result = await world.release()

    assert_ended(result, SagaStatus.COMPENSATED, ("validate",), "quarantine")
    assert_strict_equal(world.calls, ["validate", "detect"])
    assert_strict_equal(world.objects, {})
    assert_events(world)


@pytest.mark.parametrize(
    ("anomalous", "undone"),
    [((1, 3), ["delete quarantine/d.json"]), ((), [])],
    ids=["with a quarantine", "with nothing quarantined"],
)
async def test_a_failed_release_write_removes_the_quarantine(
    anomalous: tuple[int, ...], undone: list[str]
) -> None:
    """When the release cannot be written, the quarantine is removed again (if one was stored)"""
    world = World(anomalous=anomalous, failing="put releases/d.json")

    result = await world.release()

    assert_ended(
        result, SagaStatus.COMPENSATED, ("validate", "quarantine"), "publish", ("quarantine",)
    )
    assert_strict_equal(world.undone(), undone)
    assert_strict_equal(world.objects, {})
    assert_events(world)


@pytest.mark.points(2)
async def test_a_failed_announcement_undoes_everything_newest_first() -> None:
    """When the announcement fails, the release then the quarantine are removed"""
    world = World(failing="publish")

    result = await world.release()

    assert_ended(
        result,
        SagaStatus.COMPENSATED,
        ("validate", "quarantine", "publish"),
        "announce",
        ("publish", "quarantine"),
    )
    assert_strict_equal(world.undone(), ["delete releases/d.json", "delete quarantine/d.json"])
    assert_strict_equal(world.objects, {})
    assert_events(world)


class Hanging:
    """A validator, detector and object store that never answers."""

    async def _never(self) -> None:
        await asyncio.sleep(60)
        raise AssertionError("unreachable")

    async def validate(self, dataset: DataSet) -> ValidationReport:
        await self._never()
        raise AssertionError("unreachable")

    async def detect(self, dataset: DataSet) -> AnomalyResult:
        await self._never()
        raise AssertionError("unreachable")

    async def put(self, key: str, data: bytes) -> None:
        await self._never()

    async def delete(self, key: str) -> None:
        await self._never()


@pytest.mark.points(2)
async def test_a_detector_that_never_answers_is_cut_off_by_the_adapter_timeout(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A detector that never answers is given up on after the adapter's timeout, and logged"""
    caplog.set_level(logging.INFO)
    world = World()

    result = await world.release(anomaly_detection=Hanging(), timeout=0.2)

    assert_ended(result, SagaStatus.COMPENSATED, ("validate",), "quarantine")
    assert isinstance(result.error, AdapterTimeout), repr(result.error)
    assert_strict_equal(world.objects, {})
    assert_events(world)
    logged = [r.getMessage() for r in caplog.records]
    assert any(
        "domain=anomaly_detection service=detector operation=detect outcome=timeout" in m
        for m in logged
    ), logged


@pytest.mark.parametrize(
    ("domain", "failed_step", "completed", "calls"),
    [
        ("data_quality", "validate", (), []),
        ("cloud", "quarantine", ("validate",), ["validate", "detect"]),
    ],
    ids=["the validator", "the object store"],
)
async def test_a_validator_or_object_store_that_never_answers_is_cut_off_too(
    domain: str, failed_step: str, completed: tuple[str, ...], calls: list[str]
) -> None:
    """The validator and the object store are reached through their kernel adapters, with the
    timeout"""
    world = World()

    result = await world.release(**{domain: Hanging()}, timeout=0.2)

    assert_ended(result, SagaStatus.COMPENSATED, completed, failed_step)
    assert isinstance(result.error, AdapterTimeout), repr(result.error)
    assert_strict_equal(world.calls, calls)
    assert_events(world)


@pytest.mark.parametrize(
    ("domain", "failed_step", "completed"),
    [
        ("anomaly_detection", "quarantine", ("validate",)),
        ("data_quality", "validate", ()),
        ("cloud", "quarantine", ("validate",)),
    ],
    ids=["anomaly detection", "data quality", "cloud storage"],
)
async def test_a_missing_service_fails_the_release_cleanly(
    domain: str, failed_step: str, completed: tuple[str, ...]
) -> None:
    """Without an anomaly detection (or validator, or object store) service, the release fails
    cleanly, with an error that names the domain"""
    world = World()

    result = await world.release(**{domain: None})

    assert_ended(result, SagaStatus.COMPENSATED, completed, failed_step)
    assert isinstance(result.error, AdapterError), repr(result.error)
    assert domain in str(result.error)
    assert_strict_equal(world.objects, {})
    assert_events(world)


@pytest.mark.parametrize("stubborn", ["releases/d.json", "quarantine/d.json"])
async def test_a_failing_undo_is_reported_and_the_other_undo_still_runs(stubborn: str) -> None:
    """A failing undo makes the release 'failed', and the remaining undo still runs"""

    class StubbornStore(World):
        async def delete(self, key: str) -> None:
            await super().delete(key)
            if key == stubborn:
                raise OSError("cannot delete")

    world = StubbornStore(failing="publish")

    result = await world.release()

    assert type(result) is SagaResult
    assert result.status is SagaStatus.FAILED
    assert_strict_equal(world.undone(), ["delete releases/d.json", "delete quarantine/d.json"])
    failed_undo = "publish" if stubborn.startswith("releases/") else "quarantine"
    assert_strict_equal([f.step for f in result.compensation_errors], [failed_undo])
    assert_events(world)


async def test_permissions_are_checked_with_wildcards_and_without_a_caller() -> None:
    """datasets:* may release; a caller without datasets:release, or no caller at all, is
    refused before anything happens"""
    world = World(anomalous=())
    reader = SecurityContext("bob", permissions=["datasets:read", "releases:*"])

    with pytest.raises(PermissionDenied):
        await world.release(reader)
    with pytest.raises(NotAuthenticated):
        await world.release(None)
    assert_strict_equal(world.calls, [])

    granted = await world.release(SecurityContext("root", permissions=["datasets:*"]))

    assert_ended(granted, SagaStatus.COMPLETED, STEPS)
    assert_strict_equal(world.stored(), {"releases/d.json": ROWS})
    assert_events(world, released(5, 0))
