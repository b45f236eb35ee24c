"""An in-process, async publish/subscribe bus for domain events.

Behaviour choices, stated once:

* Handlers run one after another in subscription order, so a test can rely on order.
* A handler that raises or runs past its timeout never stops the others: the failure
  is logged, kept as a :class:`DeadLetter`, and reported in the returned outcomes.
  ``publish`` itself raises only if it is cancelled.
* Sync handlers run inline on the event loop (no threads, so the bus also works in
  Pyodide); a timeout can only interrupt async handlers. A handler whose work blocks
  should be async and use ``asyncio.to_thread`` itself.
* Topics are dotted names. In a subscription, ``*`` matches exactly one segment and
  ``**`` any number of segments, zero included: ``ml.*`` matches ``ml.trained`` but not
  ``ml.model.trained``; ``ml.**`` matches both, and ``ml`` itself.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from shared.integration._calls import DeadlineExceeded, invoke
from shared.integration.events import DomainEvent, handling

logger = logging.getLogger("shared.integration.event_bus")

Handler = Callable[[Any], Awaitable[Any] | Any]

DEFAULT_HANDLER_TIMEOUT = 30.0


def topic_matches(pattern: str, topic: str) -> bool:
    """Whether a subscription ``pattern`` matches an event's ``topic``."""
    return _match(pattern.split("."), topic.split("."))


def _match(pattern: list[str], topic: list[str]) -> bool:
    if not pattern:
        return not topic
    head, rest = pattern[0], pattern[1:]
    if head == "**":
        return any(_match(rest, topic[i:]) for i in range(len(topic) + 1))
    if not topic:
        return False
    return (head == "*" or head == topic[0]) and _match(rest, topic[1:])


def _validate_pattern(pattern: str) -> None:
    if not isinstance(pattern, str) or not pattern or any(s == "" for s in pattern.split(".")):
        raise ValueError(f"invalid topic {pattern!r}: use dotted names such as 'ml.training.*'")


class Outcome(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    TIMED_OUT = "timed_out"


@dataclass(frozen=True)
class HandlerOutcome:
    """What one handler did with one event."""

    handler: str
    subscription: str
    outcome: Outcome
    duration: float
    result: Any = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.SUCCEEDED


@dataclass(frozen=True)
class DeadLetter:
    """An event a handler could not process, kept for inspection or redelivery."""

    event: DomainEvent
    handler: str
    error: BaseException
    failed_at: datetime = field(default_factory=lambda: datetime.now(UTC))


class PublishResult(tuple[HandlerOutcome, ...]):
    """The outcome of every handler that received the event, in the order they ran."""

    @property
    def all_succeeded(self) -> bool:
        return all(o.ok for o in self)

    @property
    def failures(self) -> tuple[HandlerOutcome, ...]:
        return tuple(o for o in self if not o.ok)


class Subscription:
    """A handler subscribed to a topic pattern; ``cancel()`` stops deliveries."""

    def __init__(self, bus: EventBus, topic: str, handler: Handler, timeout: float | None):
        self.topic = topic
        self.handler = handler
        self.timeout = timeout
        self._bus = bus
        self.active = True

    @property
    def handler_name(self) -> str:
        return getattr(self.handler, "__qualname__", None) or repr(self.handler)

    def cancel(self) -> None:
        """Stop delivering to this handler; cancelling twice is harmless."""
        self._bus._remove(self)

    def __repr__(self) -> str:
        state = "active" if self.active else "cancelled"
        return f"<Subscription {self.topic!r} -> {self.handler_name} ({state})>"


class EventBus:
    """Delivers each published event to every subscription whose pattern matches."""

    def __init__(self, *, handler_timeout: float | None = DEFAULT_HANDLER_TIMEOUT) -> None:
        self.handler_timeout = handler_timeout
        self._subscriptions: list[Subscription] = []
        self._dead_letters: list[DeadLetter] = []

    def subscribe(
        self, topic: str, handler: Handler, *, timeout: float | None = None
    ) -> Subscription:
        """Call ``handler(event)`` for every event whose type matches ``topic``.

        ``timeout`` overrides the bus's ``handler_timeout`` for this handler.
        """
        _validate_pattern(topic)
        if not callable(handler):
            raise TypeError(f"handler for {topic!r} must be callable, got {handler!r}")
        limit = self.handler_timeout if timeout is None else timeout
        subscription = Subscription(self, topic, handler, limit)
        self._subscriptions.append(subscription)
        return subscription

    def _remove(self, subscription: Subscription) -> None:
        subscription.active = False
        if subscription in self._subscriptions:
            self._subscriptions.remove(subscription)

    def subscriptions(self, topic: str | None = None) -> tuple[Subscription, ...]:
        """Active subscriptions, all of them or those that would receive ``topic``."""
        return tuple(
            s for s in self._subscriptions if topic is None or topic_matches(s.topic, topic)
        )

    @property
    def dead_letters(self) -> tuple[DeadLetter, ...]:
        return tuple(self._dead_letters)

    async def publish(self, event: DomainEvent) -> PublishResult:
        """Deliver ``event`` to every matching handler and report each outcome."""
        if not isinstance(event, DomainEvent):
            raise TypeError(f"publish() takes a DomainEvent, got {type(event).__name__}")
        outcomes = []
        for subscription in self.subscriptions(event.event_type):
            if subscription.active:  # a handler may have cancelled a later one
                outcomes.append(await self._deliver(subscription, event))
        return PublishResult(outcomes)

    async def redeliver(self, letter: DeadLetter) -> PublishResult:
        """Publish a dead letter's event again to the subscriptions still matching it."""
        self._dead_letters.remove(letter)
        return await self.publish(letter.event)

    async def _deliver(self, subscription: Subscription, event: DomainEvent) -> HandlerOutcome:
        started = time.perf_counter()
        name = subscription.handler_name
        failure: Exception
        try:
            with handling(event):
                result = await invoke(subscription.handler, event, timeout=subscription.timeout)
        except DeadlineExceeded as error:
            outcome, failure = Outcome.TIMED_OUT, error
        except Exception as error:
            outcome, failure = Outcome.FAILED, error
        else:
            return HandlerOutcome(
                name, subscription.topic, Outcome.SUCCEEDED, time.perf_counter() - started, result
            )
        duration = time.perf_counter() - started
        self._dead_letters.append(DeadLetter(event, name, failure))
        logger.error(
            "handler %s %s on %s (event %s, correlation %s) after %.3f s: %r",
            name,
            outcome.value.replace("_", " "),
            event.event_type,
            event.event_id,
            event.correlation_id,
            duration,
            failure,
            exc_info=failure if outcome is Outcome.FAILED else None,
        )
        return HandlerOutcome(name, subscription.topic, outcome, duration, error=failure)
