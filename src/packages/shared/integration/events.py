"""Domain events and the causal context that links them.

An event created while a handler is handling another event inherits that event's
``correlation_id`` and takes its ``event_id`` as ``causation_id``. The link travels in
a :mod:`contextvars` variable, so it follows ``await`` and ``asyncio`` tasks without
being passed by hand.
"""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any

_ENVELOPE = ("event_type", "event_id", "occurred_at", "correlation_id", "causation_id")

_current_event: contextvars.ContextVar[DomainEvent | None] = contextvars.ContextVar(
    "current_event", default=None
)
_current_correlation: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "current_correlation", default=None
)


class DomainEvent:
    """Something that happened in one domain that others may react to.

    Subclasses call ``super().__init__("topic.name")`` and then set their own
    attributes. The envelope (type, id, UTC time, correlation and causation ids) is
    filled in here; correlation and causation come from the event being handled, or
    from :func:`correlation_scope`, unless given explicitly.
    """

    def __init__(
        self,
        event_type: str,
        *,
        correlation_id: str | None = None,
        causation_id: str | None = None,
    ) -> None:
        if not event_type or not isinstance(event_type, str):
            raise ValueError("an event needs a non-empty dotted event_type, e.g. 'ml.trained'")
        self.event_type = event_type
        self.event_id = str(uuid.uuid4())
        self.occurred_at = datetime.now(UTC)
        parent = _current_event.get()
        self.correlation_id: str = (
            correlation_id
            or (parent.correlation_id if parent else None)
            or _current_correlation.get()
            or self.event_id
        )
        self.causation_id: str | None = causation_id or (parent.event_id if parent else None)

    @property
    def payload(self) -> dict[str, Any]:
        """The subclass's own attributes, without the envelope."""
        return {k: v for k, v in vars(self).items() if k not in _ENVELOPE}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: the envelope plus ``payload``."""
        return {
            "event_type": self.event_type,
            "event_id": self.event_id,
            "occurred_at": self.occurred_at.isoformat(),
            "correlation_id": self.correlation_id,
            "causation_id": self.causation_id,
            "payload": {k: _plain(v) for k, v in self.payload.items()},
        }

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self.payload.items())
        return f"{type(self).__name__}({self.event_type!r}{', ' if fields else ''}{fields})"


def current_event() -> DomainEvent | None:
    """The event whose handler is running now, if any."""
    return _current_event.get()


@contextmanager
def handling(event: DomainEvent) -> Iterator[None]:
    """Mark ``event`` as the one being handled, for causation and correlation."""
    token = _current_event.set(event)
    try:
        yield
    finally:
        _current_event.reset(token)


@contextmanager
def correlation_scope(correlation_id: str | None = None) -> Iterator[str]:
    """Give every event created inside the block one correlation id.

    Use it where a flow starts (a request, a job), so that all the events it causes can
    be found together. Yields the id, a new UUID unless one is given.
    """
    value = correlation_id or str(uuid.uuid4())
    token = _current_correlation.set(value)
    try:
        yield value
    finally:
        _current_correlation.reset(token)


def _plain(value: Any) -> Any:
    """Turn a payload value into JSON-friendly data."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    if is_dataclass(value) and not isinstance(value, type):
        return _plain(asdict(value))
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return repr(value)
