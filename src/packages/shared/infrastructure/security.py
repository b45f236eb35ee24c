"""Who is calling, and may they? The security context and ``require_permission``.

Behaviour choices, stated once:

* Permissions are ``resource:action`` strings. A grant may end in ``*``: ``data:*``
  grants ``data:read`` and ``data:write``; ``*`` alone grants everything.
* ``@require_permission(p)`` works on sync and async functions and methods. The
  wrapper's kind is chosen when decorating, and the signature is kept.
* The context is taken from the call's arguments (the first
  :class:`SecurityContext` among them) or else from :func:`security_context`, which
  sets it for a block, ``await`` and asyncio tasks included (a contextvar).
* No context at all raises :class:`NotAuthenticated`; a context without the
  permission raises :class:`PermissionDenied`. Both are ``PermissionError``.
* Every decision, granted or denied, is written to the audit logger
  ``shared.security.audit`` and passed to any sinks added with :func:`add_audit_sink`.
  A sink that raises stops the call: a decision that cannot be audited is not made.
"""

from __future__ import annotations

import contextvars
import functools
import inspect
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ParamSpec, TypeVar

from shared.exceptions import NotAuthenticated, PermissionDenied

audit_logger = logging.getLogger("shared.security.audit")

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class SecurityContext:
    """An authenticated caller: user id, roles, and the permissions they hold."""

    user_id: str
    roles: frozenset[str] = field(default_factory=frozenset)
    permissions: frozenset[str] = field(default_factory=frozenset)

    def __init__(
        self, user_id: str, roles: Iterable[str] = (), permissions: Iterable[str] = ()
    ) -> None:
        if not user_id or not isinstance(user_id, str):
            raise ValueError("a SecurityContext needs a non-empty user_id")
        if isinstance(roles, str) or isinstance(permissions, str):
            raise TypeError("roles and permissions must be collections of strings, not one string")
        object.__setattr__(self, "user_id", user_id)
        object.__setattr__(self, "roles", frozenset(roles))
        object.__setattr__(self, "permissions", frozenset(permissions))

    def has_permission(self, permission: str) -> bool:
        return any(grants(held, permission) for held in self.permissions)


def grants(held: str, wanted: str) -> bool:
    """Whether the permission ``held`` covers ``wanted`` (``data:*`` covers ``data:read``)."""
    if held == "*" or held == wanted:
        return True
    return held.endswith(":*") and wanted.startswith(held[:-1])


@dataclass(frozen=True)
class AccessDecision:
    user_id: str | None
    permission: str
    target: str
    granted: bool
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


AuditSink = Callable[[AccessDecision], None]
_sinks: list[AuditSink] = []
_current: contextvars.ContextVar[SecurityContext | None] = contextvars.ContextVar(
    "security_context", default=None
)


def add_audit_sink(sink: AuditSink) -> Callable[[], None]:
    """Also send every access decision to ``sink``; returns a function that removes it."""
    _sinks.append(sink)
    return lambda: _sinks.remove(sink) if sink in _sinks else None


@contextmanager
def security_context(context: SecurityContext) -> Iterator[SecurityContext]:
    """Act as ``context`` inside the block (and in tasks started from it)."""
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def current_security_context() -> SecurityContext | None:
    return _current.get()


def require_permission(permission: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Refuse calls whose caller lacks ``permission``; see the module docstring."""
    if not isinstance(permission, str) or ":" not in permission:
        raise ValueError(f"permission {permission!r} should read 'resource:action'")

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        target = f"{function.__module__}.{function.__qualname__}"

        if inspect.iscoroutinefunction(function):

            @functools.wraps(function)
            async def async_guarded(*args: P.args, **kwargs: P.kwargs) -> Any:
                _check(permission, target, args, kwargs)
                return await function(*args, **kwargs)

            guarded: Callable[P, Any] = async_guarded
        else:

            @functools.wraps(function)
            def guarded(*args: P.args, **kwargs: P.kwargs) -> Any:
                _check(permission, target, args, kwargs)
                return function(*args, **kwargs)

        guarded.__required_permission__ = permission  # type: ignore[attr-defined]
        return guarded

    return decorate


def _check(permission: str, target: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    context = (
        next((a for a in (*args, *kwargs.values()) if isinstance(a, SecurityContext)), None)
        or _current.get()
    )
    granted = context is not None and context.has_permission(permission)
    _audit(AccessDecision(context.user_id if context else None, permission, target, granted))
    if context is None:
        raise NotAuthenticated(f"{target} requires {permission!r} but no caller is known")
    if not granted:
        raise PermissionDenied(context.user_id, permission, target)


def _audit(decision: AccessDecision) -> None:
    audit_logger.info(
        "access %s: user=%s permission=%s target=%s",
        "granted" if decision.granted else "denied",
        decision.user_id or "<anonymous>",
        decision.permission,
        decision.target,
    )
    for sink in list(_sinks):
        sink(decision)
