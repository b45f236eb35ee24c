"""The driving side of MLOps: event bus subscriptions that call the registry."""

from __future__ import annotations

from ai.mlops.application.registry import ModelRegistryService
from shared.integration.event_bus import EventBus, Subscription
from shared.interfaces.events import ModelTrained


def subscribe_registry(event_bus: EventBus, registry: ModelRegistryService) -> list[Subscription]:
    """Auto-deploy on ``ModelTrained``; cancel the returned subscriptions to stop."""
    return [event_bus.subscribe(ModelTrained.topic, registry.on_model_trained)]
