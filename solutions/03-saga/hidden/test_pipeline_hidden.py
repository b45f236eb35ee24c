"""Hidden tests of exercise 03: a failure at every step, with fakes that record calls."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from ai.mlops.application.training_pipeline import TrainingPipeline
from grader.testing import assert_strict_equal
from shared.exceptions import AdapterError
from shared.integration.cross_domain_patterns import (
    DomainServiceLocator,
    SagaContext,
    SagaResult,
    SagaStatus,
)
from shared.interfaces import CleaningReport, DataSet, Deployment, TrainedModel, ValidationReport
from shared.interfaces.datasets import ValidationIssue

RAW = DataSet.from_records([{"x": 1.0, "y": 0}, {"x": None, "y": 1}, {"x": 3.0, "y": 1}], "d")
CLEANED = DataSet.from_records([{"x": 1.0, "y": 0}, {"x": 3.0, "y": 1}], "d")
PREPARED_ROWS = [{"x": -1.0, "y": 0}, {"x": 1.0, "y": 1}]
PREPARED = DataSet.from_records(PREPARED_ROWS, "d")
KEY = "prepared/d.json"
UNDO = ("delete", "discard", "rollback")
STEPS = ("validate_data", "prepare_data", "train_model", "deploy_model")

# Each step's calls when everything goes well, in order.
VALIDATE = [("validate", "raw")]
PREPARE = [("clean", "raw"), ("prepare_features", "cleaned", "y"), ("put", KEY, PREPARED_ROWS)]
TRAIN = [("train", "prepared", "y")]
DEPLOY = [("deploy", "m-1", "production")]


class Crash(BaseException):
    """The process dies: no step, no saga code may handle this."""


class World:
    """Fake services of every domain, recording each call, failing where told.

    ``failing`` names calls that raise (``"train"``, or ``"rollback staging"`` for a
    call with that last argument); ``crash`` names one that takes effect, then the
    process dies. Each distinct call is recorded once, when first made.
    """

    def __init__(self, *failing: str, crash: str | None = None, valid: bool = True) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.failing = set(failing)
        self.crash = crash
        self.valid = valid

    def _call(self, name: str, *args: Any) -> None:
        names = {name, f"{name} {args[-1]}"}
        fails = bool(names & self.failing)
        if (name, *args) not in self.calls:  # a retried step makes its calls again
            self.calls.append((name, *args))
        if fails:
            raise RuntimeError(f"{name} failed")
        if self.crash in names:
            raise Crash(name)

    @staticmethod
    def _which(dataset: object) -> str:
        labels = {id(RAW): "raw", id(CLEANED): "cleaned", id(PREPARED): "prepared"}
        return labels.get(id(dataset), f"an unexpected {type(dataset).__name__}")

    async def validate(self, dataset: DataSet) -> ValidationReport:
        self._call("validate", self._which(dataset))
        issues = () if self.valid else (ValidationIssue("type", "x", 1, "not a number"),)
        return ValidationReport(dataset.name, issues, len(dataset))

    async def clean(self, dataset: DataSet) -> tuple[DataSet, CleaningReport]:
        self._call("clean", self._which(dataset))
        return CLEANED, CleaningReport(dataset.name, len(dataset), len(CLEANED), (1,))

    async def prepare_features(self, dataset: DataSet, target: str) -> DataSet:
        self._call("prepare_features", self._which(dataset), target)
        return PREPARED

    async def put(self, key: str, data: bytes) -> None:
        stored = json.loads(data) if type(data) is bytes else f"a {type(data).__name__}"
        self._call("put", key, stored)

    async def delete(self, key: str) -> None:
        self._call("delete", key)

    async def train(self, dataset: DataSet, target: str) -> TrainedModel:
        self._call("train", self._which(dataset), target)
        return TrainedModel("m-1", 1, target, ("x",), {"accuracy": 1.0})

    async def discard(self, model_id: str) -> None:
        self._call("discard", model_id)

    async def deploy(self, model: TrainedModel, environment: str) -> Deployment:
        which = model.model_id if type(model) is TrainedModel else f"a {type(model).__name__}"
        self._call("deploy", which, environment)
        return Deployment(model.model_id, model.version, environment)

    async def rollback(self, model_id: str, environment: str) -> None:
        self._call("rollback", model_id, environment)

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

    def undone(self) -> list[tuple[Any, ...]]:
        return [c for c in self.calls if c[0] in UNDO]


async def run(world: World, **options: str) -> SagaResult:
    pipeline = TrainingPipeline(world.locator(), **options)
    result = await pipeline.execute(SagaContext(dataset=RAW, target="y"))
    assert type(result) is SagaResult, f"execute() returned a {type(result).__name__}"
    return result


@contextmanager
def adapter_calls() -> Iterator[list[tuple[Any, ...]]]:
    """The cross-domain calls the kernel's adapters log: domain, service, operation."""
    seen: list[tuple[Any, ...]] = []

    class Recorder(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.msg.startswith("cross-domain call") and isinstance(record.args, tuple):
                seen.append(tuple(record.args[:3]))

    logger = logging.getLogger("shared.integration.adapters")
    handler, level, disabled = Recorder(logging.INFO), logger.level, logger.disabled
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.disabled = False
    try:
        yield seen
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.disabled = disabled


def through_an_adapter(error: BaseException | None) -> tuple[str, str, str] | None:
    """The adapter call an error came from, following its causes."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, AdapterError):
            return (error.domain, error.service, error.operation)
        error = error.__cause__ or error.__context__
    return None


@pytest.mark.points(2)
async def test_each_step_hands_on_what_the_next_needs() -> None:
    """The steps run in order, each through its adapter, each on the previous one's output"""
    world = World()

    with adapter_calls() as logged:
        result = await run(world)

    assert result.status is SagaStatus.COMPLETED, result.summary()
    assert_strict_equal(result.name, "training_pipeline")
    assert_strict_equal(result.completed_steps, STEPS)
    assert_strict_equal(result.context.results["train_model"], "m-1")
    assert_strict_equal(world.calls, VALIDATE + PREPARE + TRAIN + DEPLOY)
    assert_strict_equal(
        logged,
        [
            ("data_quality", "validator", "validate"),
            ("data_science", "cleaner", "clean"),
            ("data_science", "cleaner", "prepare_features"),
            ("cloud", "object_store", "put"),
            ("machine_learning", "trainer", "train"),
            ("mlops", "registry", "deploy"),
        ],
    )


# (the call that fails, the step that fails, what is undone, newest first)
FAILURES = {
    "invalid data": (None, "validate_data", []),
    "validate_data": ("validate", "validate_data", []),
    "cleaning": ("clean", "prepare_data", []),
    "feature preparation": ("prepare_features", "prepare_data", []),
    "storing": ("put", "prepare_data", []),
    "train_model": ("train", "train_model", [("delete", KEY)]),
    "deploy_model": (
        "deploy",
        "deploy_model",
        [("rollback", "m-1", "staging"), ("discard", "m-1"), ("delete", KEY)],
    ),
}
COMPENSATES = {"train_model": ("prepare_data",), "deploy_model": ("train_model", "prepare_data")}


def calls_until(name: str) -> list[tuple[Any, ...]]:
    """The calls of a good run, up to and including the first call of ``name``."""
    everything = VALIDATE + PREPARE + TRAIN + DEPLOY
    return everything[: [c[0] for c in everything].index(name) + 1]


@pytest.mark.points(2)
@pytest.mark.parametrize("case", FAILURES)
async def test_a_failure_at_any_step_undoes_exactly_what_was_done(case: str) -> None:
    """Whichever step fails, nothing runs after it; the completed steps are undone, newest first"""
    failing, step, undone = FAILURES[case]
    world = World(*([failing] if failing else []), valid=failing is not None)

    result = await run(world)

    assert result.status is SagaStatus.COMPENSATED, result.summary()
    assert_strict_equal(result.failed_step, step)
    assert_strict_equal(result.compensated_steps, COMPENSATES.get(case, ()))
    assert_strict_equal(world.calls, calls_until(failing or "validate") + undone)
    if failing:
        source = through_an_adapter(result.error)
        assert source is not None, f"the error is not an adapter's: {result.error!r}"
        assert_strict_equal(source[2], failing)


# (the undo that fails, the calls that must be made, the steps undone, the one not undone)
FAILING_UNDOS = {
    "deleting the prepared data": (
        "delete",
        [("rollback", "m-1", "staging"), ("discard", "m-1"), ("delete", KEY)],
        ("train_model",),
        "prepare_data",
    ),
    "discarding the model": (
        "discard",
        [("rollback", "m-1", "staging"), ("discard", "m-1"), ("delete", KEY)],
        ("prepare_data",),
        "train_model",
    ),
    "taking the model out of staging": (
        "rollback staging",
        [("rollback", "m-1", "staging"), ("delete", KEY)],
        ("prepare_data",),
        "train_model",
    ),
}


@pytest.mark.parametrize("case", FAILING_UNDOS)
async def test_a_failing_undo_is_reported_and_the_rest_still_run(case: str) -> None:
    """A compensation that fails makes the saga 'failed' and names it; the others still run"""
    failing_undo, calls, compensated, not_undone = FAILING_UNDOS[case]
    world = World("deploy", failing_undo)

    result = await run(world)

    assert result.status is SagaStatus.FAILED, result.summary()
    assert_strict_equal(result.compensated_steps, compensated)
    assert_strict_equal([f.step for f in result.compensation_errors], [not_undone])
    undone = world.undone()
    if failing_undo == "rollback staging":  # the model may or may not be discarded then
        undone = [c for c in undone if c[0] != "discard"]
    assert_strict_equal(undone, calls)


@pytest.mark.parametrize("rollback_fails", [False, True], ids=["undone", "rollback fails"])
async def test_after_a_crash_in_deployment_everything_is_undone(rollback_fails: bool) -> None:
    """Recovery after a crash in deployment undoes it in its environment, then the rest"""
    world = World(*(["rollback canary"] if rollback_fails else []), crash="deploy")
    pipeline = TrainingPipeline(world.locator(), environment="canary")
    context = SagaContext(dataset=RAW, target="y")
    with pytest.raises(Crash):
        await pipeline.execute(context)
    (saga_id,) = pipeline.log.saga_ids()

    result = await pipeline.compensate(saga_id, context)

    expected = SagaStatus.FAILED if rollback_fails else SagaStatus.COMPENSATED
    assert result.status is expected, result.summary()
    assert_strict_equal(
        world.calls,
        VALIDATE
        + PREPARE
        + TRAIN
        + [
            ("deploy", "m-1", "canary"),
            ("rollback", "m-1", "canary"),
            ("rollback", "m-1", "staging"),
            ("discard", "m-1"),
            ("delete", KEY),
        ],
    )
    undone = (
        ("train_model", "prepare_data")
        if rollback_fails
        else ("deploy_model", "train_model", "prepare_data")
    )
    assert_strict_equal(result.compensated_steps, undone)
