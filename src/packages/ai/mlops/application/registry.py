"""The model registry: deploys models to environments and rolls them back."""

from __future__ import annotations

from ai.mlops.domain.history import DeploymentHistory
from shared.integration.event_bus import EventBus
from shared.interfaces.events import ModelDeployed, ModelRolledBack, ModelTrained
from shared.interfaces.models import Deployment, TrainedModel

STAGING = "staging"


class ModelRegistryService:
    """Implements the ``ModelRegistry`` port; see :mod:`ai.mlops.domain.history`.

    Both operations are idempotent, so that a saga's compensation may run twice:
    deploying the model already active changes nothing and publishes nothing; rolling
    back a model that is not active changes nothing and returns what is active.
    Changes publish ``ModelDeployed`` / ``ModelRolledBack`` on ``event_bus``.
    """

    def __init__(
        self, event_bus: EventBus | None = None, auto_deploy_accuracy: float = 0.8
    ) -> None:
        self._event_bus = event_bus
        self.auto_deploy_accuracy = auto_deploy_accuracy
        self._histories: dict[str, DeploymentHistory] = {}

    async def deploy(self, model: TrainedModel, environment: str) -> Deployment:
        return await self._deploy(model.model_id, model.version, environment)

    async def rollback(self, model_id: str, environment: str) -> Deployment | None:
        """Re-activate the deployment before ``model_id``'s; ``None`` if there was none."""
        history = self._histories.get(environment)
        if history is None or not history.is_active(model_id):
            return history.active if history is not None else None
        restored = history.roll_back()
        await self._publish(
            ModelRolledBack(model_id, environment, restored.version if restored else None)
        )
        return restored

    async def active(self, environment: str) -> Deployment | None:
        history = self._histories.get(environment)
        return history.active if history is not None else None

    def history(self, environment: str) -> tuple[Deployment, ...]:
        """Every deployment to ``environment``, oldest first, with its current status."""
        history = self._histories.get(environment)
        return history.entries if history is not None else ()

    def environments(self) -> tuple[str, ...]:
        return tuple(sorted(self._histories))

    async def on_model_trained(self, event: ModelTrained) -> Deployment | None:
        """Deploy to staging a model at least ``auto_deploy_accuracy`` accurate."""
        if event.accuracy < self.auto_deploy_accuracy:
            return None
        return await self._deploy(event.model_id, event.version, STAGING)

    async def _deploy(self, model_id: str, version: int, environment: str) -> Deployment:
        history = self._histories.get(environment) or DeploymentHistory(environment)
        self._histories[environment] = history
        current = history.active
        if current is not None and history.is_active(model_id, version):
            return current
        deployment = history.deploy(model_id, version)
        await self._publish(ModelDeployed(model_id, version, environment))
        return deployment

    async def _publish(self, event: ModelDeployed | ModelRolledBack) -> None:
        if self._event_bus is not None:
            await self._event_bus.publish(event)
