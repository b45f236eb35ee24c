"""Hidden tests of exercise 06: fakes for every domain, a failure at every step."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from data.data_science.application.dataset_release import DatasetRelease
from shared.exceptions import NotAuthenticated
from shared.infrastructure.security import SecurityContext
from shared.integration.cross_domain_patterns import (
    DomainEvent,
    DomainServiceLocator,
    SagaStatus,
)
from shared.interfaces import Anomaly, AnomalyResult, DataSet, ValidationReport

RELEASER = SecurityContext("ada", permissions=["datasets:release"])
ROWS = [{"id": i, "value": float(i)} for i in range(5)]
DATA = DataSet.from_records(ROWS, name="d")


class World:
    """Fake validator, detector, object store and event bus, recording what happens."""

    def __init__(
        self, anomalous: tuple[int, ...] = (1, 3), failing: str | None = None
    ) -> None:
        self.anomalous = anomalous
        self.failing = failing
        self.calls: list[str] = []
        self.objects: dict[str, bytes] = {}
        self.events: list[DomainEvent] = []

    def _call(self, name: str) -> None:
        self.calls.append(name)
        if name == self.failing:
            raise RuntimeError(f"{name} failed")

    async def validate(self, dataset: DataSet) -> ValidationReport:
        self._call("validate")
        return ValidationReport(dataset.name, (), len(dataset))

    async def detect(self, dataset: DataSet) -> AnomalyResult:
        self._call("detect")
        found = tuple(Anomaly(row, "value", float(row), 9.0) for row in self.anomalous)
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

    async def release(self, **services: Any) -> Any:
        timeout = services.pop("timeout", None)
        locator = self.locator(timeout=timeout, **services)
        return await DatasetRelease(locator, self).release(DATA, RELEASER)  # type: ignore[arg-type]

    def undone(self) -> list[str]:
        return [c for c in self.calls if c.startswith("delete")]


@pytest.mark.points(2)
async def test_anomalous_rows_go_to_quarantine_and_the_rest_is_released() -> None:
    """Anomalous rows are quarantined, the others released, and the event counts both"""
    world = World(anomalous=(1, 3))

    result = await world.release()

    assert result.status is SagaStatus.COMPLETED
    assert json.loads(world.objects["quarantine/d.json"]) == [ROWS[1], ROWS[3]]
    assert json.loads(world.objects["releases/d.json"]) == [ROWS[0], ROWS[2], ROWS[4]]
    (event,) = world.events
    assert event.event_type == "data_science.dataset.released"
    assert (event.dataset_name, event.key, event.rows, event.quarantined) == (
        "d",
        "releases/d.json",
        3,
        2,
    )


async def test_a_clean_dataset_writes_no_quarantine() -> None:
    """With no anomaly, nothing is quarantined and every row is released"""
    world = World(anomalous=())

    result = await world.release()

    assert result.status is SagaStatus.COMPLETED
    assert sorted(world.objects) == ["releases/d.json"]
    assert world.events[0].quarantined == 0


async def test_a_failing_detector_stops_the_release_with_nothing_to_undo() -> None:
    """A failing anomaly detector stops the release before anything is stored"""
    world = World(failing="detect")

    result = await world.release()

    assert result.status is SagaStatus.COMPENSATED
    assert result.failed_step == "quarantine"
    assert world.objects == {}
    assert world.events == []


async def test_a_failed_release_write_removes_the_quarantine() -> None:
    """When the release cannot be written, the quarantine is removed again"""
    world = World(failing="put releases/d.json")

    result = await world.release()

    assert result.failed_step == "publish"
    assert world.undone() == ["delete quarantine/d.json"]
    assert world.objects == {}


@pytest.mark.points(2)
async def test_a_failed_announcement_undoes_everything_newest_first() -> None:
    """When the announcement fails, the release then the quarantine are removed"""
    world = World(failing="publish")

    result = await world.release()

    assert result.status is SagaStatus.COMPENSATED
    assert result.failed_step == "announce"
    assert world.undone() == ["delete releases/d.json", "delete quarantine/d.json"]
    assert world.objects == {}


class Hanging:
    async def detect(self, dataset: DataSet) -> AnomalyResult:
        await asyncio.sleep(60)
        raise AssertionError("unreachable")


@pytest.mark.points(2)
async def test_a_detector_that_never_answers_is_cut_off_by_the_adapter_timeout() -> None:
    """A detector that never answers is given up on after the adapter's timeout"""
    world = World()

    result = await world.release(anomaly_detection=Hanging(), timeout=0.2)

    assert result.status is SagaStatus.COMPENSATED
    assert result.failed_step == "quarantine"
    assert world.objects == {}


async def test_a_missing_anomaly_service_fails_the_release_cleanly() -> None:
    """Without an anomaly detection service, the release fails cleanly"""
    world = World()

    result = await world.release(anomaly_detection=None)

    assert result.status is SagaStatus.COMPENSATED
    assert result.failed_step == "quarantine"
    assert "anomaly_detection" in str(result.error)


async def test_a_failing_undo_is_reported_and_the_other_undo_still_runs() -> None:
    """A failing undo makes the release 'failed', and the remaining undo still runs"""

    class StubbornStore(World):
        async def delete(self, key: str) -> None:
            await super().delete(key)
            if key.startswith("releases/"):
                raise OSError("cannot delete")

    world = StubbornStore(failing="publish")

    result = await world.release()

    assert result.status is SagaStatus.FAILED
    assert world.undone() == ["delete releases/d.json", "delete quarantine/d.json"]
    assert "quarantine/d.json" not in world.objects


async def test_permissions_are_checked_with_wildcards_and_without_a_caller() -> None:
    """datasets:* may release; with no caller at all, the release is refused"""
    world = World(anomalous=())
    locator = world.locator()
    everything = SecurityContext("root", permissions=["datasets:*"])

    granted = await DatasetRelease(locator, world).release(DATA, everything)  # type: ignore[arg-type]
    with pytest.raises(NotAuthenticated):
        await DatasetRelease(locator, world).release(DATA, None)  # type: ignore[arg-type]

    assert granted.status is SagaStatus.COMPLETED
