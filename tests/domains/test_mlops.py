"""The MLOps domain: deployment histories, the registry service, its subscriptions."""

from __future__ import annotations

import pytest

from ai.mlops.adapters.subscriptions import subscribe_registry
from ai.mlops.application.registry import ModelRegistryService
from ai.mlops.domain.history import DeploymentHistory
from shared.integration.event_bus import EventBus
from shared.integration.events import DomainEvent
from shared.interfaces import Deployment, DeploymentStatus, TrainedModel
from shared.interfaces.events import ModelDeployed, ModelRolledBack, ModelTrained

ACTIVE, RETIRED, ROLLED_BACK = (
    DeploymentStatus.ACTIVE,
    DeploymentStatus.RETIRED,
    DeploymentStatus.ROLLED_BACK,
)


def model(version: int, accuracy: float = 0.9) -> TrainedModel:
    return TrainedModel(f"churn-v{version}", version, "churn", ("x",), {"accuracy": accuracy})


def statuses(registry: ModelRegistryService, environment: str) -> list[tuple[str, str]]:
    return [(d.model_id, d.status.value) for d in registry.history(environment)]


@pytest.fixture
def events() -> list[DomainEvent]:
    return []


@pytest.fixture
def registry(events: list[DomainEvent]) -> ModelRegistryService:
    bus = EventBus()
    bus.subscribe("mlops.**", events.append)
    return ModelRegistryService(bus)


async def test_a_new_deployment_retires_the_active_one(
    registry: ModelRegistryService, events: list[DomainEvent]
) -> None:
    first = await registry.deploy(model(1), "production")
    second = await registry.deploy(model(2), "production")

    assert first == Deployment("churn-v1", 1, "production", ACTIVE)
    assert second == Deployment("churn-v2", 2, "production", ACTIVE)
    assert await registry.active("production") == second
    assert statuses(registry, "production") == [("churn-v1", "retired"), ("churn-v2", "active")]
    assert [(type(e), e.payload) for e in events] == [
        (ModelDeployed, {"model_id": "churn-v1", "version": 1, "environment": "production"}),
        (ModelDeployed, {"model_id": "churn-v2", "version": 2, "environment": "production"}),
    ]


async def test_deploying_the_active_model_again_changes_nothing(
    registry: ModelRegistryService, events: list[DomainEvent]
) -> None:
    await registry.deploy(model(1), "staging")

    again = await registry.deploy(model(1), "staging")

    assert again == Deployment("churn-v1", 1, "staging", ACTIVE)
    assert len(registry.history("staging")) == 1
    assert len(events) == 1


async def test_rollback_reactivates_the_previous_deployment(
    registry: ModelRegistryService, events: list[DomainEvent]
) -> None:
    await registry.deploy(model(1), "production")
    await registry.deploy(model(2), "production")

    restored = await registry.rollback("churn-v2", "production")

    assert restored == Deployment("churn-v1", 1, "production", ACTIVE)
    assert await registry.active("production") == restored
    assert statuses(registry, "production") == [("churn-v1", "active"), ("churn-v2", "rolled_back")]
    assert isinstance(events[-1], ModelRolledBack)
    assert events[-1].payload == {
        "model_id": "churn-v2",
        "environment": "production",
        "to_version": 1,
    }


async def test_rollback_is_idempotent(
    registry: ModelRegistryService, events: list[DomainEvent]
) -> None:
    await registry.deploy(model(1), "production")
    await registry.deploy(model(2), "production")
    await registry.rollback("churn-v2", "production")
    published = len(events)

    again = await registry.rollback("churn-v2", "production")

    assert again == Deployment("churn-v1", 1, "production", ACTIVE)
    assert statuses(registry, "production") == [("churn-v1", "active"), ("churn-v2", "rolled_back")]
    assert len(events) == published


async def test_rolling_back_the_only_deployment_leaves_nothing_active(
    registry: ModelRegistryService, events: list[DomainEvent]
) -> None:
    await registry.deploy(model(1), "staging")

    assert await registry.rollback("churn-v1", "staging") is None
    assert await registry.active("staging") is None
    assert statuses(registry, "staging") == [("churn-v1", "rolled_back")]
    assert events[-1].payload["to_version"] is None


async def test_rollback_in_an_unknown_environment_is_none(
    registry: ModelRegistryService, events: list[DomainEvent]
) -> None:
    assert await registry.rollback("churn-v1", "nowhere") is None
    assert await registry.active("nowhere") is None
    assert registry.history("nowhere") == ()
    assert events == []


async def test_rollbacks_skip_deployments_already_rolled_back(
    registry: ModelRegistryService,
) -> None:
    for version in (1, 2, 3):
        await registry.deploy(model(version), "production")
    await registry.rollback("churn-v3", "production")
    await registry.rollback("churn-v2", "production")
    await registry.deploy(model(4), "production")

    restored = await registry.rollback("churn-v4", "production")

    assert restored is not None
    assert restored.model_id == "churn-v1"
    assert statuses(registry, "production") == [
        ("churn-v1", "active"),
        ("churn-v2", "rolled_back"),
        ("churn-v3", "rolled_back"),
        ("churn-v4", "rolled_back"),
    ]


async def test_environments_are_independent(registry: ModelRegistryService) -> None:
    await registry.deploy(model(1), "staging")
    await registry.deploy(model(2), "production")

    assert (await registry.active("staging"), await registry.active("production")) == (
        Deployment("churn-v1", 1, "staging"),
        Deployment("churn-v2", 2, "production"),
    )
    assert registry.environments() == ("production", "staging")


async def test_a_trained_model_is_auto_deployed_to_staging_at_the_threshold() -> None:
    registry = ModelRegistryService(auto_deploy_accuracy=0.8)

    weak = await registry.on_model_trained(ModelTrained("churn-v1", 1, 0.79))
    good = await registry.on_model_trained(ModelTrained("churn-v2", 2, 0.8))

    assert weak is None
    assert good == Deployment("churn-v2", 2, "staging", ACTIVE)
    assert statuses(registry, "staging") == [("churn-v2", "active")]


async def test_the_subscription_deploys_and_links_the_events() -> None:
    bus = EventBus()
    registry = ModelRegistryService(bus)
    deployed: list[ModelDeployed] = []
    bus.subscribe(ModelDeployed.topic, deployed.append)
    (subscription,) = subscribe_registry(bus, registry)
    trained = ModelTrained("churn-v1", 1, 0.95)

    await bus.publish(trained)

    assert [(e.model_id, e.environment) for e in deployed] == [("churn-v1", "staging")]
    assert deployed[0].causation_id == trained.event_id
    assert deployed[0].correlation_id == trained.correlation_id
    subscription.cancel()
    await bus.publish(ModelTrained("churn-v2", 2, 0.95))
    assert len(deployed) == 1


def test_a_history_needs_an_environment_name_and_something_to_roll_back() -> None:
    with pytest.raises(ValueError, match="non-empty name"):
        DeploymentHistory("")
    with pytest.raises(ValueError, match="nothing is active in 'qa' to roll back"):
        DeploymentHistory("qa").roll_back()
