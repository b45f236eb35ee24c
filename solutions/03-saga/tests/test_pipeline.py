"""Public tests of exercise 03: the training pipeline saga, on the real application."""

from __future__ import annotations

import json

import pytest

from ai.mlops.application.training_pipeline import TrainingPipeline
from deployment.bootstrap import bootstrap
from grader.testing import assert_strict_equal
from shared.integration.cross_domain_patterns import SagaContext, SagaResult, SagaStatus
from shared.integration.domain_adapters import DataScienceAdapter
from shared.interfaces import DataSet, Deployment, TrainedModel

STEPS = ("validate_data", "prepare_data", "train_model", "deploy_model")


def churn() -> DataSet:
    rows = [{"age": 20 + i, "spend": 100.0 - 4 * i, "churned": int(i >= 10)} for i in range(20)]
    return DataSet.from_records(rows, name="churn")


class FrozenProduction:
    """The real model registry, except that deployments to production are refused."""

    def __init__(self, registry: object) -> None:
        self.registry = registry
        self.rollbacks: list[tuple[str, str]] = []

    async def deploy(self, model: TrainedModel, environment: str) -> Deployment:
        if environment == "production":
            raise RuntimeError("deployments to production are frozen")
        return await self.registry.deploy(model, environment)  # type: ignore[attr-defined]

    async def rollback(self, model_id: str, environment: str) -> Deployment | None:
        self.rollbacks.append((model_id, environment))
        return await self.registry.rollback(model_id, environment)  # type: ignore[attr-defined]

    async def active(self, environment: str) -> Deployment | None:
        return await self.registry.active(environment)  # type: ignore[attr-defined]


async def run(app: object, dataset: DataSet) -> SagaResult:
    pipeline = TrainingPipeline(app.locator)  # type: ignore[attr-defined]
    result = await pipeline.execute(SagaContext(dataset=dataset, target="churned"))
    assert type(result) is SagaResult, f"execute() returned a {type(result).__name__}"
    return result


@pytest.mark.points(2)
async def test_good_data_ends_in_production() -> None:
    """Good data goes all the way: prepared records stored, model trained and in production"""
    app = bootstrap()

    result = await run(app, churn())

    assert result.status is SagaStatus.COMPLETED, result.summary()
    assert_strict_equal(result.completed_steps, STEPS)
    model_id = result.context.results["train_model"]
    registry = await app.locator.get_service("mlops", "registry")
    active = await registry.active("production")
    assert active is not None, "nothing is active in production"
    assert_strict_equal(active.model_id, model_id)
    trainer = await app.locator.get_service("machine_learning", "trainer")
    assert_strict_equal((await trainer.describe(model_id)).target, "churned")
    science = app.locator.get_adapter(DataScienceAdapter)
    cleaned, _ = await science.clean(churn())
    prepared = await science.prepare_features(cleaned, "churned")
    store = await app.locator.get_service("cloud", "object_store")
    assert_strict_equal(await store.keys("prepared/"), ["prepared/churn.json"])
    assert_strict_equal(json.loads(await store.get("prepared/churn.json")), list(prepared.records))


async def test_invalid_data_stops_at_validation() -> None:
    """Invalid data stops the pipeline at its first step: nothing stored, trained or deployed"""
    app = bootstrap()
    broken = DataSet.from_records([{"age": 1, "churned": 0}, {"age": "old", "churned": 1}], "bad")

    result = await run(app, broken)

    assert result.status is SagaStatus.COMPENSATED, result.summary()
    assert_strict_equal(result.failed_step, "validate_data")
    assert_strict_equal(result.completed_steps, ())
    assert_strict_equal(result.compensated_steps, ())
    store = await app.locator.get_service("cloud", "object_store")
    assert_strict_equal(await store.keys(), [])
    registry = await app.locator.get_service("mlops", "registry")
    assert_strict_equal(registry.environments(), ())


@pytest.mark.points(2)
async def test_a_refused_deployment_undoes_training_and_preparation() -> None:
    """A refused deployment: the model leaves staging and is discarded, the prepared data deleted"""
    app = bootstrap()
    registry = await app.locator.get_service("mlops", "registry")
    frozen = FrozenProduction(registry)
    with app.locator.override("mlops", "registry", frozen):
        result = await run(app, churn())

    assert result.status is SagaStatus.COMPENSATED, result.summary()
    assert_strict_equal(result.failed_step, "deploy_model")
    assert_strict_equal(result.compensated_steps, ("train_model", "prepare_data"))
    model_id = result.context.results["train_model"]
    # Training was announced, so MLOps had deployed the model to staging: undone too.
    assert_strict_equal([d.model_id for d in registry.history("staging")], [model_id])
    assert_strict_equal(frozen.rollbacks, [(model_id, "staging")])
    assert await registry.active("staging") is None, "the model is still active in staging"
    assert await registry.active("production") is None, "something is active in production"
    trainer = await app.locator.get_service("machine_learning", "trainer")
    with pytest.raises(LookupError, match="no trained model"):
        await trainer.predict(model_id, [{"age": 1, "spend": 1.0}])
    store = await app.locator.get_service("cloud", "object_store")
    assert_strict_equal(await store.keys(), [])
