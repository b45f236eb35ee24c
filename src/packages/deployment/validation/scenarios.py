"""End-to-end integration scenarios, run through ``bootstrap()`` as an application would.

Each scenario gets a freshly bootstrapped application and records named checks; a
check's time is the time since the scenario's previous check, i.e. the work it judged.
An exception a scenario did not expect ends that scenario only, as one failed check
that names the error. :func:`main` is the command line of
``simplified_integration_test.py``.

The scenarios:

* adapter calls: data quality through ``DataQualityAdapter``, the anomaly detector
  through the locator, an object through ``CloudStorageAdapter``.
* event chain: training through ``MLAdapter`` publishes ``ModelTrained``; MLOps reacts
  by deploying to staging; both events carry the flow's correlation id.
* saga: validate, prepare, train and deploy, first to completion, then with the deploy
  step refused, so the completed steps are undone in reverse order.
* missing service: a call to a domain nobody registered is a clear ``AdapterError``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import time
import traceback
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TextIO, TypeVar

from deployment.bootstrap import Application, bootstrap
from shared.exceptions import AdapterError, ServiceNotFound
from shared.integration.domain_adapters import (
    BaseDomainAdapter,
    CloudStorageAdapter,
    DataQualityAdapter,
    DataScienceAdapter,
    MLAdapter,
    MLOpsAdapter,
)
from shared.integration.events import DomainEvent, correlation_scope
from shared.integration.saga import SagaContext, SagaOrchestrator, SagaStatus, SagaStep
from shared.integration.saga_log import Transition
from shared.interfaces.datasets import DataSet
from shared.interfaces.events import ModelDeployed, ModelTrained
from shared.interfaces.models import Deployment, TrainedModel
from shared.interfaces.ports import ModelRegistry

T = TypeVar("T")

# ------------------------------------------------------------------ checks and reports


@dataclass(frozen=True)
class CheckResult:
    """One named check of one scenario: passed or not, how long, and why."""

    scenario: str
    name: str
    passed: bool
    seconds: float
    detail: str = ""
    error: BaseException | None = None


class Checks:
    """Records a scenario's checks, timing each one from the previous one."""

    def __init__(self, scenario: str) -> None:
        self.scenario = scenario
        self.results: list[CheckResult] = []
        self._mark = time.perf_counter()

    def expect(self, name: str, condition: bool, detail: str = "") -> bool:
        """Record check ``name`` as passed when ``condition`` holds; return it."""
        self._record(name, bool(condition), detail)
        return bool(condition)

    def crashed(self, error: BaseException) -> None:
        """Record the exception that ended the scenario as one failed check."""
        self._record("crashed", False, f"{type(error).__name__}: {error}", error)

    def _record(
        self, name: str, passed: bool, detail: str, error: BaseException | None = None
    ) -> None:
        now = time.perf_counter()
        self.results.append(
            CheckResult(self.scenario, name, passed, now - self._mark, detail, error)
        )
        self._mark = now


@dataclass(frozen=True)
class RunReport:
    results: tuple[CheckResult, ...]
    seconds: float

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    @property
    def failed(self) -> int:
        return len(self.results) - self.passed

    @property
    def ok(self) -> bool:
        return bool(self.results) and not self.failed

    def render(self, *, verbose: bool = False, marks: tuple[str, str] = ("✓", "✗")) -> str:
        """The summary: a title, one line per check, then the total.

        A check's detail is shown when it failed, or always when ``verbose``.
        """
        lines = ["Cross-domain integration checks"]
        for result in self.results:
            mark = marks[0] if result.passed else marks[1]
            shown = result.detail and (verbose or not result.passed)
            detail = f": {_one_line(result.detail)}" if shown else ""
            lines.append(
                f"  {mark} {result.scenario} > {result.name}{detail} "
                f"({result.seconds * 1000:.1f} ms)"
            )
            if verbose and result.error is not None:
                trace = "".join(traceback.format_exception(result.error)).rstrip()
                lines.extend(f"      {line}" for line in trace.splitlines())
        lines.append(
            f"Total: {len(self.results)} checks, {self.passed} passed, {self.failed} failed "
            f"in {self.seconds * 1000:.1f} ms"
        )
        return "\n".join(lines)


def _one_line(text: str) -> str:
    return " ".join(text.split())


ScenarioFunction = Callable[[Application, Checks], Awaitable[None]]


@dataclass(frozen=True)
class Scenario:
    name: str
    run: ScenarioFunction


# ------------------------------------------------------------------ sample data


def customers() -> DataSet:
    """Three customers; row 2 has no income."""
    return DataSet.from_records(
        [
            {"customer_id": 1, "age": 34, "income": 52000.0},
            {"customer_id": 2, "age": 41, "income": 61000.0},
            {"customer_id": 3, "age": 29, "income": None},
        ],
        name="customers",
    )


def payments() -> DataSet:
    """Thirteen payments of 10 to 12, and one of 500 in row 12."""
    rows = [{"id": i, "amount": 10.0 + i % 3} for i in range(12)]
    return DataSet.from_records([*rows, {"id": 12, "amount": 500.0}], name="payments")


def churn(*, raw: bool = False) -> DataSet:
    """Twenty customers who churned when their tenure was under 30 months.

    ``raw`` adds what cleaning must remove: a row with a gap and a duplicate row.
    """
    rows: list[dict[str, Any]] = [
        {
            "customer": f"c{100 + i}",
            "tenure_months": 2 + 3 * i,
            "monthly_spend": 20.0 + (7 * i) % 40,
            "churned": int(2 + 3 * i < 30),
        }
        for i in range(20)
    ]
    if raw:
        rows.insert(5, {**rows[5], "customer": "c999", "monthly_spend": None})
        rows.append(dict(rows[0]))
    return DataSet.from_records(rows, name="churn")


# ------------------------------------------------------------------ the ML pipeline saga

STAGING, PRODUCTION = "staging", "production"


@dataclass
class PipelineState:
    """What the pipeline's steps hand on to each other, and the compensations that ran."""

    prepared: DataSet | None = None
    artifact: str | None = None
    model: TrainedModel | None = None
    undone: list[str] = field(default_factory=list)


def pipeline_context(dataset: DataSet, target: str) -> SagaContext:
    """The context :func:`ml_pipeline` expects: the data, the target, a fresh state."""
    return SagaContext(dataset=dataset, target=target, state=PipelineState())


def ml_pipeline(app: Application) -> SagaOrchestrator:
    """Validate, prepare, train, deploy to production; undone in reverse on failure.

    Every domain is reached through its adapter. Compensations are idempotent and
    check what their step got done, as the saga log's recovery requires.
    """
    quality = app.locator.get_adapter(DataQualityAdapter)
    science = app.locator.get_adapter(DataScienceAdapter)
    ml = app.locator.get_adapter(MLAdapter)
    mlops = app.locator.get_adapter(MLOpsAdapter)
    store = app.locator.get_adapter(CloudStorageAdapter)

    async def validate_data(context: SagaContext) -> str:
        report = await quality.validate_dataset(context.dataset)
        # Missing values are the cleaning step's job; anything else stops the pipeline.
        blocking = [issue for issue in report.issues if issue.kind != "missing"]
        if blocking:
            raise ValueError(f"{len(blocking)} issue(s) cleaning cannot fix: {blocking[0].message}")
        return report.summary()

    async def prepare_data(context: SagaContext) -> dict[str, Any]:
        state: PipelineState = context.state
        cleaned, cleaning = await science.clean(context.dataset)
        state.prepared = await science.prepare_features(cleaned, context.target)
        state.artifact = f"datasets/{context.dataset.name}/prepared.json"
        await store.put(state.artifact, json.dumps(state.prepared.records).encode())
        return {"rows": cleaning.rows_after, "dropped": list(cleaning.dropped_rows)}

    async def remove_prepared(context: SagaContext) -> None:
        state: PipelineState = context.state
        if state.artifact is not None:
            await store.delete(state.artifact)
        state.undone.append("prepare_data")

    async def train_model(context: SagaContext) -> str:
        state: PipelineState = context.state
        state.model = await ml.train(_needed(state.prepared, "prepared data"), context.target)
        return state.model.model_id

    async def discard_model(context: SagaContext) -> None:
        state: PipelineState = context.state
        if state.model is not None:
            # Training also made MLOps auto-deploy the model to staging (it reacts to
            # ModelTrained): take that back before the model disappears.
            await mlops.rollback(state.model.model_id, STAGING)
            await ml.discard(state.model.model_id)
        state.undone.append("train_model")

    async def deploy_model(context: SagaContext) -> dict[str, Any]:
        model = _needed(context.state.model, "trained model")
        deployment = await mlops.deploy(model, PRODUCTION)
        return {"model_id": deployment.model_id, "environment": deployment.environment}

    async def roll_back_deployment(context: SagaContext) -> None:
        state: PipelineState = context.state
        if state.model is not None:
            await mlops.rollback(state.model.model_id, PRODUCTION)
        state.undone.append("deploy_model")

    saga = SagaOrchestrator("ml_pipeline", log=app.saga_log)
    saga.add_step(SagaStep("validate_data", validate_data))  # nothing to undo: it only reads
    saga.add_step(SagaStep("prepare_data", prepare_data, remove_prepared))
    saga.add_step(SagaStep("train_model", train_model, discard_model))
    saga.add_step(SagaStep("deploy_model", deploy_model, roll_back_deployment))
    return saga


def _needed(value: T | None, what: str) -> T:
    if value is None:
        raise RuntimeError(f"the pipeline has no {what} yet: a step ran out of order")
    return value


class FrozenEnvironmentRegistry:
    """A model registry that refuses deployments to one environment; the rest delegates."""

    def __init__(self, registry: ModelRegistry, frozen: str) -> None:
        self._registry = registry
        self.frozen = frozen

    async def deploy(self, model: TrainedModel, environment: str) -> Deployment:
        if environment == self.frozen:
            raise RuntimeError(f"deployments to {environment} are frozen")
        return await self._registry.deploy(model, environment)

    async def rollback(self, model_id: str, environment: str) -> Deployment | None:
        return await self._registry.rollback(model_id, environment)

    async def active(self, environment: str) -> Deployment | None:
        return await self._registry.active(environment)


# ------------------------------------------------------------------ the scenarios


async def adapter_calls(app: Application, checks: Checks) -> None:
    report = await app.locator.get_adapter(DataQualityAdapter).validate_dataset(customers())
    checks.expect(
        "DataQualityAdapter reports the missing income in row 2",
        [(i.kind, i.column, i.row) for i in report.issues] == [("missing", "income", 2)],
        report.summary(),
    )

    detector = await app.locator.get_service("anomaly_detection", "detector")
    result = await detector.detect(payments())
    checks.expect(
        "the anomaly detector, found through the locator, flags the 500 in row 12",
        [(a.row, a.column, a.value) for a in result.anomalies] == [(12, "amount", 500.0)],
        f"anomalous rows {list(result.anomalous_rows)}",
    )

    store = app.locator.get_adapter(CloudStorageAdapter)
    await store.put("reports/payments.txt", b"1 anomaly")
    checks.expect(
        "CloudStorageAdapter stores an object and reads it back",
        await store.get("reports/payments.txt") == b"1 anomaly",
    )


async def event_chain(app: Application, checks: Checks) -> None:
    seen: list[DomainEvent] = []
    app.event_bus.subscribe("**", seen.append)

    with correlation_scope() as correlation:
        model = await app.locator.get_adapter(MLAdapter).train(churn(), "churned")
    checks.expect(
        "MLAdapter trains a model accurate enough to auto-deploy",
        model.accuracy >= app.settings.deploy_accuracy,
        f"{model.model_id}, training accuracy {model.accuracy:.2f}",
    )

    trained = [e for e in seen if isinstance(e, ModelTrained)]
    deployed = [e for e in seen if isinstance(e, ModelDeployed)]
    checks.expect(
        "ModelTrained is published and MLOps answers with ModelDeployed to staging",
        [(e.model_id, e.environment) for e in deployed] == [(model.model_id, STAGING)]
        and [e.model_id for e in trained] == [model.model_id],
        f"{len(trained)} ModelTrained, {len(deployed)} ModelDeployed",
    )
    checks.expect(
        "both events carry the flow's correlation id; ModelTrained caused ModelDeployed",
        bool(trained and deployed)
        and {e.correlation_id for e in (*trained, *deployed)} == {correlation}
        and deployed[0].causation_id == trained[0].event_id,
        f"correlation {correlation[:8]}",
    )

    active = await app.locator.get_adapter(MLOpsAdapter).active(STAGING)
    checks.expect(
        "MLOps reports the model active in staging",
        active is not None and active.model_id == model.model_id,
        f"active: {active.model_id if active else None}",
    )


async def saga_completes(app: Application, checks: Checks) -> None:
    result = await ml_pipeline(app).execute(pipeline_context(churn(raw=True), "churned"))
    checks.expect(
        "the pipeline saga runs validate, prepare, train and deploy",
        result.status is SagaStatus.COMPLETED
        and result.completed_steps
        == ("validate_data", "prepare_data", "train_model", "deploy_model"),
        result.summary(),
    )

    model = result.context.state.model
    active = await app.locator.get_adapter(MLOpsAdapter).active(PRODUCTION)
    checks.expect(
        "the trained model is active in production",
        model is not None and active is not None and active.model_id == model.model_id,
        f"active: {active.model_id if active else None}",
    )

    prepared = result.context.results.get("prepare_data") or {}
    entries = app.saga_log.entries(result.saga_id)
    checks.expect(
        "cleaning dropped the gap and the duplicate; the saga log ends 'completed'",
        prepared.get("dropped") == [5, 21]
        and bool(entries)
        and entries[-1].transition is Transition.COMPLETED,
        f"dropped rows {prepared.get('dropped')}, {len(entries)} log entries",
    )


async def saga_compensates(app: Application, checks: Checks) -> None:
    registry = await app.locator.get_service("mlops", "registry")
    with app.locator.override("mlops", "registry", FrozenEnvironmentRegistry(registry, PRODUCTION)):
        result = await ml_pipeline(app).execute(pipeline_context(churn(raw=True), "churned"))
    checks.expect(
        "a refused deployment makes the saga compensate",
        result.status is SagaStatus.COMPENSATED and result.failed_step == "deploy_model",
        result.summary(),
    )
    checks.expect(
        "the completed steps are undone in reverse order",
        result.compensated_steps == ("train_model", "prepare_data")
        and result.context.state.undone == ["train_model", "prepare_data"],
        f"undone: {', '.join(result.compensated_steps) or 'nothing'}",
    )

    model: TrainedModel | None = result.context.state.model
    staging = await app.locator.get_adapter(MLOpsAdapter).active(STAGING)
    checks.expect(
        "the trained model is discarded and no longer active in staging",
        model is not None and await _discarded(app, model.model_id) and staging is None,
        f"model {model.model_id if model else None}, staging: {staging}",
    )
    stored = await app.locator.get_adapter(CloudStorageAdapter).call("object_store", "keys")
    checks.expect(
        "the prepared dataset is removed from the object store",
        stored == [],
        f"objects left: {stored}",
    )


async def _discarded(app: Application, model_id: str) -> bool:
    try:
        await app.locator.get_adapter(MLAdapter).predict(model_id, [{}])
    except AdapterError as error:
        return "no trained model" in str(error)
    return False


class _UnwiredAdapter(BaseDomainAdapter):
    """An adapter to a domain that bootstrap() does not register."""

    domain_name = "reporting"

    async def publish(self, text: str) -> None:
        await self.call("publisher", "publish", text)


async def missing_service(app: Application, checks: Checks) -> None:
    error: AdapterError | None = None
    try:
        await app.locator.get_adapter(_UnwiredAdapter).publish("weekly report")
    except AdapterError as raised:
        error = raised
    checks.expect(
        "a call to an unregistered domain raises AdapterError naming the call",
        error is not None
        and (error.domain, error.service, error.operation) == ("reporting", "publisher", "publish")
        and isinstance(error.__cause__, ServiceNotFound),
        str(error) if error else "nothing was raised",
    )
    checks.expect(
        "the message lists what is registered",
        error is not None and "machine_learning/trainer" in str(error),
    )

    typo: ServiceNotFound | None = None
    try:
        await app.locator.get_service("anomaly_detection", "detektor")
    except ServiceNotFound as raised:
        typo = raised
    checks.expect(
        "a mistyped service name is a ServiceNotFound that shows the right one",
        typo is not None and "anomaly_detection/detector" in str(typo),
    )


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("adapter calls", adapter_calls),
    Scenario("event chain", event_chain),
    Scenario("saga completes", saga_completes),
    Scenario("saga compensates", saga_compensates),
    Scenario("missing service", missing_service),
)


# ------------------------------------------------------------------ running


async def run_scenarios(
    make_app: Callable[[], Application] = bootstrap,
    scenarios: Sequence[Scenario] = SCENARIOS,
) -> RunReport:
    """Run each scenario on its own ``make_app()``; an unexpected error ends only it."""
    started = time.perf_counter()
    results: list[CheckResult] = []
    for scenario in scenarios:
        checks = Checks(scenario.name)
        try:
            await scenario.run(make_app(), checks)
        except Exception as error:
            checks.crashed(error)
        results.extend(checks.results)
    return RunReport(tuple(results), time.perf_counter() - started)


@contextmanager
def _quiet_kernel_logs(verbose: bool) -> Iterator[None]:
    """Hide the kernel's own error logs (and their tracebacks) unless ``verbose``.

    Failures are reported by the summary; a scenario that makes a handler fail on
    purpose should not print a traceback.
    """
    kernel = logging.getLogger("shared")
    level = kernel.level
    if not verbose:
        kernel.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        kernel.setLevel(level)


def _marks(stream: TextIO) -> tuple[str, str]:
    try:
        "✓✗".encode(stream.encoding or "utf-8")
    except (LookupError, UnicodeEncodeError):
        return ("+", "x")  # a console that cannot print the check marks
    return ("✓", "✗")


def main(
    argv: Sequence[str] | None = None, *, make_app: Callable[[], Application] = bootstrap
) -> int:
    """Run every scenario, print the summary; 0 when all checks pass, else 1."""
    parser = argparse.ArgumentParser(
        prog="simplified_integration_test.py",
        description="Run end-to-end cross-domain scenarios through bootstrap().",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="show tracebacks and the kernel's logs"
    )
    args = parser.parse_args(argv)
    with _quiet_kernel_logs(args.verbose):
        report = asyncio.run(run_scenarios(make_app))
    print(report.render(verbose=args.verbose, marks=_marks(sys.stdout)))
    return 0 if report.ok else 1
