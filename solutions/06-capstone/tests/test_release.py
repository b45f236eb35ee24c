"""Public tests of exercise 06: the dataset release, with the real domains wired in."""

from __future__ import annotations

import json

import pytest

from data.data_science.application.dataset_release import DatasetRelease
from deployment.bootstrap import Application, bootstrap
from grader.testing import assert_strict_equal
from shared.exceptions import PermissionDenied
from shared.infrastructure.security import SecurityContext
from shared.integration.cross_domain_patterns import DomainEvent, SagaStatus
from shared.interfaces import DataSet

RELEASER = SecurityContext("ada", permissions=["datasets:release"])
READINGS = [10.0, 11.0, 10.5, 9.5, 10.2, 10.8, 95.0, 10.1]  # row 6 is an outlier


def readings() -> DataSet:
    return DataSet.from_records([{"sensor": "a", "reading": r} for r in READINGS], "readings")


async def stored(app: Application) -> dict[str, list[dict[str, object]]]:
    store = await app.locator.get_service("cloud", "object_store")
    return {key: json.loads(await store.get(key)) for key in await store.keys()}


@pytest.mark.points(2)
async def test_a_release_stores_the_data_holds_back_outliers_and_tells_the_others() -> None:
    """A good dataset is released, its outlier quarantined, and the release announced"""
    app = bootstrap()
    heard: list[DomainEvent] = []
    app.event_bus.subscribe("data_science.dataset.released", heard.append)

    result = await DatasetRelease(app.locator, app.event_bus).release(readings(), RELEASER)

    assert result.status is SagaStatus.COMPLETED, result.summary()
    assert_strict_equal(
        (result.name, result.completed_steps),
        ("dataset_release", ("validate", "quarantine", "publish", "announce")),
    )
    kept = [{"sensor": "a", "reading": r} for r in READINGS if r != 95.0]
    assert_strict_equal(
        await stored(app),
        {
            "quarantine/readings.json": [{"sensor": "a", "reading": 95.0}],
            "releases/readings.json": kept,
        },
    )
    assert_strict_equal(
        [(e.key, e.rows, e.quarantined) for e in heard], [("releases/readings.json", 7, 1)]
    )


async def test_invalid_data_is_not_released() -> None:
    """Invalid data stops at validation, and nothing is stored"""
    app = bootstrap()
    broken = DataSet.from_records([{"reading": 1.0}, {"reading": "high"}], "broken")

    result = await DatasetRelease(app.locator, app.event_bus).release(broken, RELEASER)

    assert result.status is SagaStatus.COMPENSATED
    assert_strict_equal(result.failed_step, "validate")
    assert_strict_equal(await stored(app), {})


async def test_a_caller_without_the_permission_is_refused() -> None:
    """Only a caller holding datasets:release may release: others are refused, nothing stored"""
    app = bootstrap()
    reader = SecurityContext("bob", permissions=["datasets:read"])
    release = DatasetRelease(app.locator, app.event_bus)

    with pytest.raises(PermissionDenied):
        await release.release(readings(), reader)
    assert_strict_equal(await stored(app), {})

    result = await release.release(readings(), RELEASER)

    assert result.status is SagaStatus.COMPLETED, result.summary()
    assert_strict_equal(
        sorted(await stored(app)), ["quarantine/readings.json", "releases/readings.json"]
    )
