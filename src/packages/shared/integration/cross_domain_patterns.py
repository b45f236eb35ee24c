"""The integration patterns in one import: events, the event bus, sagas, the locator.

This module is the public face; the code lives in small modules beside it.
"""

from shared.exceptions import ServiceNotFound
from shared.integration.event_bus import (
    DeadLetter,
    EventBus,
    HandlerOutcome,
    Outcome,
    PublishResult,
    Subscription,
    topic_matches,
)
from shared.integration.events import DomainEvent, correlation_scope, current_event
from shared.integration.locator import DomainServiceLocator
from shared.integration.saga import (
    CompensationFailure,
    SagaContext,
    SagaOrchestrator,
    SagaResult,
    SagaStatus,
    SagaStep,
)
from shared.integration.saga_log import InMemorySagaLog, SagaLog, SqliteSagaLog, Transition

__all__ = [
    "CompensationFailure",
    "DeadLetter",
    "DomainEvent",
    "DomainServiceLocator",
    "EventBus",
    "HandlerOutcome",
    "InMemorySagaLog",
    "Outcome",
    "PublishResult",
    "SagaContext",
    "SagaLog",
    "SagaOrchestrator",
    "SagaResult",
    "SagaStatus",
    "SagaStep",
    "ServiceNotFound",
    "SqliteSagaLog",
    "Subscription",
    "Transition",
    "correlation_scope",
    "current_event",
    "topic_matches",
]
