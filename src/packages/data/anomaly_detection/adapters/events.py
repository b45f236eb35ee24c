"""Tells other domains about anomalies by publishing ``AnomaliesDetected``."""

from __future__ import annotations

from shared.integration.event_bus import EventBus
from shared.interfaces.datasets import AnomalyResult
from shared.interfaces.events import AnomaliesDetected


class EventBusAnomalyPublisher:
    """The ``AnomalyPublisher`` port over the event bus: one event per result."""

    def __init__(self, event_bus: EventBus) -> None:
        self._event_bus = event_bus

    async def publish(self, result: AnomalyResult) -> None:
        await self._event_bus.publish(
            AnomaliesDetected(result.dataset_name, list(result.anomalous_rows))
        )
