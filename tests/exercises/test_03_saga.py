"""Exercise 03: other correct sagas earn full marks; plausible wrong ones do not."""

from __future__ import annotations

from decimal import Decimal

import pytest

from grader.domain.result import Outcome
from tests.exercises.support import failed, grade

PATH = "ai/mlops/application/training_pipeline.py"

CLOSURES = """
import json

from shared.integration.cross_domain_patterns import SagaOrchestrator, SagaStep
from shared.integration.domain_adapters import (
    CloudStorageAdapter, DataQualityAdapter, DataScienceAdapter, MLAdapter, MLOpsAdapter,
)


class TrainingPipeline(SagaOrchestrator):
    def __init__(self, service_locator, environment="production"):
        super().__init__("training_pipeline")
        quality = service_locator.get_adapter(DataQualityAdapter)
        science = service_locator.get_adapter(DataScienceAdapter)
        ml = service_locator.get_adapter(MLAdapter)
        mlops = service_locator.get_adapter(MLOpsAdapter)
        store = service_locator.get_adapter(CloudStorageAdapter)

        async def validate(context):
            report = await quality.validate_dataset(context.dataset)
            if report.issues:
                raise ValueError(f"{len(report.issues)} issue(s)")

        async def prepare(context):
            cleaned, _ = await science.clean(context.dataset)
            context.prepared = await science.prepare_features(cleaned, context.target)
            await store.put(f"prepared/{context.dataset.name}.json",
                            json.dumps(context.prepared.records).encode())

        async def unprepare(context):
            await store.delete(f"prepared/{context.dataset.name}.json")

        async def train(context):
            context.model = await ml.train(context.prepared, context.target)
            return context.model.model_id

        async def untrain(context):
            await mlops.rollback(context.model.model_id, "staging")
            await ml.discard(context.model.model_id)

        async def deploy(context):
            await mlops.deploy(context.model, environment)

        async def undeploy(context):
            await mlops.rollback(context.model.model_id, environment)

        for step in (
            SagaStep("validate_data", validate),
            SagaStep("prepare_data", prepare, unprepare),
            SagaStep("train_model", train, untrain),
            SagaStep("deploy_model", deploy, undeploy),
        ):
            self.add_step(step)
"""

CORRECT = {
    "closures": CLOSURES,
    "compensations read the results": CLOSURES.replace(
        "await ml.discard(context.model.model_id)",
        'await ml.discard(context.results["train_model"])',
    )
    .replace(
        'await mlops.rollback(context.model.model_id, "staging")',
        'await mlops.rollback(context.results["train_model"], "staging")',
    )
    .replace(
        "await mlops.rollback(context.model.model_id, environment)",
        'await mlops.rollback(context.results["train_model"], environment)',
    ),
    "a factory function": """
import json

from shared.integration.cross_domain_patterns import SagaOrchestrator, SagaStep
from shared.integration.domain_adapters import (
    CloudStorageAdapter, DataQualityAdapter, DataScienceAdapter, MLAdapter, MLOpsAdapter,
)


def TrainingPipeline(service_locator, environment="production"):
    get = service_locator.get_adapter
    saga = SagaOrchestrator("training_pipeline")

    async def validate(ctx):
        report = await get(DataQualityAdapter).validate(ctx.dataset)
        if not report.is_valid:
            raise ValueError(report.summary())
        return report

    async def prepare(ctx):
        cleaned, _ = await get(DataScienceAdapter).clean(ctx.dataset)
        ctx.prepared = await get(DataScienceAdapter).prepare_features(cleaned, ctx.target)
        ctx.key = "prepared/" + ctx.dataset.name + ".json"
        await get(CloudStorageAdapter).put(ctx.key, json.dumps(list(ctx.prepared.records)).encode())

    async def train(ctx):
        ctx.model = await get(MLAdapter).train(ctx.prepared, ctx.target)
        return ctx.model.model_id

    async def deploy(ctx):
        return await get(MLOpsAdapter).deploy(ctx.model, environment)

    saga.add_step(SagaStep("validate_data", validate))
    saga.add_step(SagaStep("prepare_data", prepare, lambda ctx: get(CloudStorageAdapter).delete(ctx.key)))
    async def untrain(ctx):
        await get(MLOpsAdapter).rollback(ctx.model.model_id, environment="staging")
        await get(MLAdapter).discard(ctx.model.model_id)

    saga.add_step(SagaStep("train_model", train, untrain))
    saga.add_step(SagaStep("deploy_model", deploy,
                           lambda ctx: get(MLOpsAdapter).rollback(ctx.model.model_id, environment)))
    return saga
""",
}

IDEMPOTENT = """
import json
from dataclasses import dataclass

from shared.integration.cross_domain_patterns import SagaOrchestrator, SagaStep
from shared.integration.domain_adapters import (
    CloudStorageAdapter, DataQualityAdapter, DataScienceAdapter, MLAdapter, MLOpsAdapter,
)


class InvalidData(Exception):
    pass


class TrainingPipeline(SagaOrchestrator):
    \"\"\"Compensations check what their step got done, and steps may be retried.\"\"\"

    def __init__(self, service_locator, environment="production"):
        super().__init__("training_pipeline")
        self.environment = environment
        self.adapters = {
            kind: service_locator.get_adapter(kind)
            for kind in (DataQualityAdapter, DataScienceAdapter, MLAdapter, MLOpsAdapter,
                         CloudStorageAdapter)
        }
        self.add_step(SagaStep("validate_data", self.validate, retries=1, backoff=0.01))
        self.add_step(SagaStep("prepare_data", self.prepare, self.unprepare, retries=1, backoff=0.01))
        self.add_step(SagaStep("train_model", self.train, self.untrain))
        self.add_step(SagaStep("deploy_model", self.deploy, self.undeploy, retries=2, backoff=0.01))

    async def validate(self, context):
        report = await self.adapters[DataQualityAdapter].validate(context.dataset)
        if not report.is_valid:
            raise InvalidData(report.summary())

    async def prepare(self, context):
        science = self.adapters[DataScienceAdapter]
        cleaned, _report = await science.clean(context.dataset)
        prepared = await science.prepare_features(cleaned, context.target)
        key = "prepared/%s.json" % context.dataset.name
        await self.adapters[CloudStorageAdapter].put(key, json.dumps(list(prepared.records)).encode())
        context.prepared, context.stored = prepared, key
        return key

    async def unprepare(self, context):
        key = getattr(context, "stored", None)
        if key is not None:
            await self.adapters[CloudStorageAdapter].delete(key)

    async def train(self, context):
        context.model = await self.adapters[MLAdapter].train(context.prepared, context.target)
        return context.model.model_id

    async def untrain(self, context):
        model = getattr(context, "model", None)
        if model is not None:
            await self.adapters[MLOpsAdapter].rollback(model.model_id, "staging")
            await self.adapters[MLAdapter].discard(model.model_id)

    async def deploy(self, context):
        await self.adapters[MLOpsAdapter].deploy(context.model, self.environment)

    async def undeploy(self, context):
        model = getattr(context, "model", None)
        if model is not None:
            await self.adapters[MLOpsAdapter].rollback(model.model_id, self.environment)
"""

CORRECT["idempotent compensations, retried steps"] = IDEMPOTENT

DIRECT = """
import json

from shared.integration.cross_domain_patterns import SagaOrchestrator, SagaStep


class TrainingPipeline(SagaOrchestrator):
    def __init__(self, service_locator, environment="production"):
        super().__init__("training_pipeline")
        self.locator = service_locator
        self.environment = environment
        self.add_step(SagaStep("validate_data", self.validate))
        self.add_step(SagaStep("prepare_data", self.prepare, self.unprepare))
        self.add_step(SagaStep("train_model", self.train, self.untrain))
        self.add_step(SagaStep("deploy_model", self.deploy, self.undeploy))

    async def service(self, domain, name):
        return await self.locator.get_service(domain, name)

    async def validate(self, context):
        report = await (await self.service("data_quality", "validator")).validate(context.dataset)
        if not report.is_valid:
            raise ValueError(report.summary())

    async def prepare(self, context):
        cleaner = await self.service("data_science", "cleaner")
        cleaned, _ = await cleaner.clean(context.dataset)
        context.prepared = await cleaner.prepare_features(cleaned, context.target)
        store = await self.service("cloud", "object_store")
        await store.put(f"prepared/{context.dataset.name}.json",
                        json.dumps(context.prepared.records).encode())

    async def unprepare(self, context):
        store = await self.service("cloud", "object_store")
        await store.delete(f"prepared/{context.dataset.name}.json")

    async def train(self, context):
        trainer = await self.service("machine_learning", "trainer")
        context.model = await trainer.train(context.prepared, context.target)
        return context.model.model_id

    async def untrain(self, context):
        registry = await self.service("mlops", "registry")
        await registry.rollback(context.model.model_id, "staging")
        await (await self.service("machine_learning", "trainer")).discard(context.model.model_id)

    async def deploy(self, context):
        await (await self.service("mlops", "registry")).deploy(context.model, self.environment)

    async def undeploy(self, context):
        registry = await self.service("mlops", "registry")
        await registry.rollback(context.model.model_id, self.environment)
"""

STAGING_UNDO = '            await mlops.rollback(context.model.model_id, "staging")\n'


def swallowed(source: str, *lines: str) -> str:
    """``source`` with each of ``lines`` wrapped in a try/except that swallows errors."""
    for line in lines:
        indent = line[: len(line) - len(line.lstrip())]
        guarded = f"{indent}try:\n    {line}\n{indent}except Exception:\n{indent}    pass\n"
        source = source.replace(line + "\n", guarded)
    return source


def failing(*tests: str) -> dict[str, Outcome]:
    return dict.fromkeys(tests, Outcome.FAILED)


ANY_STEP = "test_a_failure_at_any_step_undoes_exactly_what_was_done"
FAILING_UNDO = "test_a_failing_undo_is_reported_and_the_rest_still_run"
CRASH = "test_after_a_crash_in_deployment_everything_is_undone"
REFUSED = "test_a_refused_deployment_undoes_training_and_preparation"
GOOD = "test_good_data_ends_in_production"
HANDS_ON = "test_each_step_hands_on_what_the_next_needs"
INVALID = "test_invalid_data_stops_at_validation"

WRONG = {
    "no compensations": (
        CLOSURES.replace(", unprepare)", ")")
        .replace(", untrain)", ")")
        .replace(", undeploy)", ")"),
        5,
        failing(REFUSED, ANY_STEP, FAILING_UNDO, CRASH),
    ),
    "validation never fails": (
        CLOSURES.replace('raise ValueError(f"{len(report.issues)} issue(s)")', "pass"),
        8,
        failing(INVALID, ANY_STEP),
    ),
    "a failed deploy is swallowed": (
        CLOSURES.replace(
            "            await mlops.deploy(context.model, environment)",
            "            try:\n                await mlops.deploy(context.model, environment)\n"
            "            except Exception:\n                pass",
        ),
        6,
        failing(REFUSED, ANY_STEP, FAILING_UNDO),
    ),
    "undoing training only discards the model": (
        CLOSURES.replace(STAGING_UNDO, ""),
        5,
        failing(REFUSED, ANY_STEP, FAILING_UNDO, CRASH),
    ),
    "the model is discarded before it leaves staging": (
        CLOSURES.replace(STAGING_UNDO, "").replace(
            "            await ml.discard(context.model.model_id)\n",
            "            await ml.discard(context.model.model_id)\n" + STAGING_UNDO,
        ),
        7,
        failing(ANY_STEP, FAILING_UNDO, CRASH),
    ),
    "trains on the raw dataset": (
        CLOSURES.replace(
            "await ml.train(context.prepared, context.target)",
            "await ml.train(context.dataset, context.target)",
        ),
        6,
        failing(HANDS_ON, ANY_STEP, CRASH),
    ),
    "stores the raw records": (
        CLOSURES.replace(
            "json.dumps(context.prepared.records)", "json.dumps(context.dataset.records)"
        ),
        4,
        failing(GOOD, HANDS_ON, ANY_STEP, CRASH),
    ),
    "a key without .json": (
        CLOSURES.replace(
            'f"prepared/{context.dataset.name}.json"', 'f"prepared/{context.dataset.name}"'
        ),
        3,
        failing(GOOD, HANDS_ON, ANY_STEP, FAILING_UNDO, CRASH),
    ),
    "always deploys to production": (
        CLOSURES.replace(
            "await mlops.deploy(context.model, environment)", "await mlops.deploy(context.model)"
        ).replace(
            "await mlops.rollback(context.model.model_id, environment)",
            "await mlops.rollback(context.model.model_id)",
        ),
        10,
        failing(CRASH),
    ),
    "no undo for the last step (it never runs)": (
        CLOSURES.replace(", undeploy)", ")"),
        10,
        failing(CRASH),
    ),
    "compensations swallow their errors": (
        swallowed(
            CLOSURES,
            '            await store.delete(f"prepared/{context.dataset.name}.json")',
            STAGING_UNDO.rstrip("\n"),
            "            await ml.discard(context.model.model_id)",
            "            await mlops.rollback(context.model.model_id, environment)",
        ),
        9,
        failing(FAILING_UNDO, CRASH),
    ),
    "services called without the adapters": (DIRECT, 7, failing(HANDS_ON, ANY_STEP)),
}


@pytest.mark.parametrize("name", CORRECT)
def test_other_correct_answers_earn_full_marks(name: str) -> None:
    result = grade("03-saga", {PATH: CORRECT[name]})

    assert result.full_marks, (result.summary, failed(result))


@pytest.mark.parametrize("name", WRONG)
def test_wrong_answers_lose_the_right_points(name: str) -> None:
    source, score, failures = WRONG[name]

    result = grade("03-saga", {PATH: source})

    assert failed(result) == failures
    assert result.score == Decimal(score), result.summary
