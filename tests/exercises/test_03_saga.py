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
    ).replace(
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
    saga.add_step(SagaStep("train_model", train, lambda ctx: get(MLAdapter).discard(ctx.model.model_id)))
    saga.add_step(SagaStep("deploy_model", deploy,
                           lambda ctx: get(MLOpsAdapter).rollback(ctx.model.model_id, environment)))
    return saga
""",
}

UNDO_TESTS = {
    "test_a_refused_deployment_undoes_training_and_preparation": Outcome.FAILED,
    "test_a_failure_at_any_step_undoes_exactly_what_was_done": Outcome.FAILED,
    "test_a_failing_undo_is_reported_and_the_rest_still_run": Outcome.FAILED,
}

WRONG = {
    "no compensations": (
        CLOSURES.replace(", unprepare)", ")")
        .replace(", untrain)", ")")
        .replace(", undeploy)", ")"),
        4,
        UNDO_TESTS,
    ),
    "validation never fails": (
        CLOSURES.replace('raise ValueError(f"{len(report.issues)} issue(s)")', "pass"),
        8,
        {"test_invalid_data_stops_at_validation": Outcome.FAILED},
    ),
    "a failed deploy is swallowed": (
        CLOSURES.replace(
            "            await mlops.deploy(context.model, environment)",
            "            try:\n                await mlops.deploy(context.model, environment)\n"
            "            except Exception:\n                pass",
        ),
        4,
        UNDO_TESTS,
    ),
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
