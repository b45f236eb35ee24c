"""Public tests of exercise 03: the training pipeline saga."""

from __future__ import annotations

import pytest

from ai.mlops.application.training_pipeline import TrainingPipeline
from deployment.bootstrap import bootstrap
from shared.integration.cross_domain_patterns import SagaContext, SagaStatus
from shared.interfaces import DataSet, TrainedModel


def churn() -> DataSet:
    rows = [
        {"age": 20 + i, "spend": 100.0 - 4 * i, "churned": int(i >= 10)} for i in range(20)
    ]
    return DataSet.from_records(rows, name="churn")


class RefusingRegistry:
    async def deploy(self, model: TrainedModel, environment: str) -> None:
        raise RuntimeError("deployments are frozen")

    async def rollback(self, model_id: str, environment: str) -> None:
        raise AssertionError("a failed deploy must not be rolled back")


@pytest.mark.points(2)
async def test_good_data_ends_in_production() -> None:
    """Good data goes all the way to a production deployment"""
    app = bootstrap()

    result = await TrainingPipeline(app.locator).execute(SagaContext(dataset=churn(), target="churned"))

    assert result.status is SagaStatus.COMPLETED, result.summary()
    registry = await app.locator.get_service("mlops", "registry")
    active = await registry.active("production")
    assert active is not None and active.model_id == result.context.results["train_model"]
    store = await app.locator.get_service("cloud", "object_store")
    assert await store.keys("prepared/") == ["prepared/churn.json"]


async def test_invalid_data_stops_at_validation() -> None:
    """Invalid data stops the pipeline at its first step, with nothing to undo"""
    app = bootstrap()
    broken = DataSet.from_records([{"age": 1, "churned": 0}, {"age": "old", "churned": 1}], "bad")

    result = await TrainingPipeline(app.locator).execute(SagaContext(dataset=broken, target="churned"))

    assert result.status is SagaStatus.COMPENSATED
    assert result.failed_step == "validate_data"
    assert result.compensated_steps == ()


@pytest.mark.points(2)
async def test_a_refused_deployment_undoes_training_and_preparation() -> None:
    """A refused deployment discards the model and deletes the prepared data"""
    app = bootstrap()
    with app.locator.override("mlops", "registry", RefusingRegistry()):
        result = await TrainingPipeline(app.locator).execute(
            SagaContext(dataset=churn(), target="churned")
        )

    assert result.failed_step == "deploy_model"
    assert result.compensated_steps == ("train_model", "prepare_data")
    trainer = await app.locator.get_service("machine_learning", "trainer")
    with pytest.raises(Exception):  # noqa: B017 - any "no such model" error will do
        await trainer.predict(result.context.results["train_model"], [{"age": 1, "spend": 1.0}])
    store = await app.locator.get_service("cloud", "object_store")
    assert await store.keys("prepared/") == []
