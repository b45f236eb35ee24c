"""Hidden tests of exercise 03: a failure at every step, with fakes that record calls."""

from __future__ import annotations

from typing import Any

import pytest

from ai.mlops.application.training_pipeline import TrainingPipeline
from shared.integration.cross_domain_patterns import (
    DomainServiceLocator,
    SagaContext,
    SagaStatus,
)
from shared.interfaces import CleaningReport, DataSet, Deployment, TrainedModel, ValidationReport

DATA = DataSet.from_records([{"x": 1.0, "y": 0}, {"x": 2.0, "y": 1}], name="d")
UNDO = {"delete", "discard", "rollback"}


class World:
    """Fake services of every domain, recording each call, failing where told."""

    def __init__(self, failing: str | None = None, failing_undo: str | None = None) -> None:
        self.calls: list[str] = []
        self.failing = failing
        self.failing_undo = failing_undo

    def _call(self, name: str) -> None:
        self.calls.append(name)
        if name in (self.failing, self.failing_undo):
            raise RuntimeError(f"{name} failed")

    async def validate(self, dataset: DataSet) -> ValidationReport:
        self._call("validate")
        return ValidationReport(dataset.name, (), len(dataset))

    async def clean(self, dataset: DataSet) -> tuple[DataSet, CleaningReport]:
        self._call("clean")
        return dataset, CleaningReport(dataset.name, len(dataset), len(dataset))

    async def prepare_features(self, dataset: DataSet, target: str) -> DataSet:
        self._call("prepare_features")
        return dataset

    async def put(self, key: str, data: bytes) -> None:
        self._call("put")

    async def delete(self, key: str) -> None:
        self._call("delete")

    async def train(self, dataset: DataSet, target: str) -> TrainedModel:
        self._call("train")
        return TrainedModel("m-1", 1, target, ("x",), {"accuracy": 1.0})

    async def discard(self, model_id: str) -> None:
        self._call("discard")

    async def deploy(self, model: TrainedModel, environment: str) -> Deployment:
        self._call("deploy")
        return Deployment(model.model_id, model.version, environment)

    async def rollback(self, model_id: str, environment: str) -> None:
        self._call("rollback")

    def locator(self) -> DomainServiceLocator:
        locator = DomainServiceLocator()
        for domain, name in [
            ("data_quality", "validator"),
            ("data_science", "cleaner"),
            ("machine_learning", "trainer"),
            ("mlops", "registry"),
            ("cloud", "object_store"),
        ]:
            locator.register_service(domain, name, self, factory=False)
        return locator


async def run(world: World) -> Any:
    return await TrainingPipeline(world.locator()).execute(SagaContext(dataset=DATA, target="y"))


@pytest.mark.points(2)
@pytest.mark.parametrize(
    ("failing", "undone"),
    [
        ("validate", []),
        ("clean", []),
        ("prepare_features", []),
        ("put", []),
        ("train", ["delete"]),
        ("deploy", ["discard", "delete"]),
    ],
)
async def test_a_failure_at_any_step_undoes_exactly_what_was_done(
    failing: str, undone: list[str]
) -> None:
    """Whichever step fails, exactly the completed steps are undone, newest first"""
    world = World(failing=failing)

    result = await run(world)

    assert result.status is SagaStatus.COMPENSATED
    assert [c for c in world.calls if c in UNDO] == undone


async def test_a_failing_undo_is_reported_and_the_rest_still_run() -> None:
    """A compensation that fails makes the saga 'failed'; the others still run"""
    world = World(failing="deploy", failing_undo="discard")

    result = await run(world)

    assert result.status is SagaStatus.FAILED
    assert [c for c in world.calls if c in UNDO] == ["discard", "delete"]


async def test_the_saga_is_named_and_ordered() -> None:
    """The saga and its steps have the names the pipeline's operators expect"""
    pipeline = TrainingPipeline(World().locator())

    assert pipeline.name == "training_pipeline"
    assert [step.name for step in pipeline.steps] == [
        "validate_data",
        "prepare_data",
        "train_model",
        "deploy_model",
    ]
