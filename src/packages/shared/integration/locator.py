"""The service locator: how one domain reaches another's services without importing it.

Behaviour choices, stated once:

* ``register_service(domain, name, x)`` treats ``x`` as a *factory* when it is a class,
  a function, a method or a ``functools.partial``; anything else is the service itself.
  To register a plain function as the service, pass ``factory=False``.
* A factory is called once, on first use, with no argument or, if it takes one, with
  the locator; sync and async factories both work. The instance is then cached.
* ``get_adapter(AdapterClass)`` builds ``AdapterClass(locator)`` once and caches it,
  unless an adapter instance was registered for that class. Adapters take their
  default call timeout from the locator's ``adapter_timeout`` when it is set.
* ``override(...)`` and ``override_adapter(...)`` replace a service or adapter for the
  duration of a ``with`` block and put everything back afterwards: made for tests.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from shared.exceptions import ServiceNotFound
from shared.integration._calls import invoke

A = TypeVar("A")
Key = tuple[str, str]


def _is_factory(value: Any) -> bool:
    return (
        inspect.isclass(value) or inspect.isroutine(value) or isinstance(value, functools.partial)
    )


def _takes_argument(factory: Callable[..., Any]) -> bool:
    try:
        parameters = inspect.signature(factory).parameters.values()
    except (TypeError, ValueError):  # some builtins have no signature
        return False
    return any(
        p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
        for p in parameters
    )


class DomainServiceLocator:
    """A registry of services, keyed by ``(domain, name)``, and of adapters, by class."""

    def __init__(self, *, adapter_timeout: float | None = None) -> None:
        self.adapter_timeout = adapter_timeout  # default for adapters built by get_adapter
        self._factories: dict[Key, Callable[..., Any]] = {}
        self._instances: dict[Key, Any] = {}
        self._locks: dict[Key, asyncio.Lock] = {}
        self._adapters: dict[type[Any], Any] = {}

    def register_service(
        self, domain: str, name: str, instance_or_factory: Any, *, factory: bool | None = None
    ) -> None:
        """Make a service reachable as ``(domain, name)``; re-registering replaces it."""
        if not domain or not name:
            raise ValueError("register_service() needs a non-empty domain and name")
        key = (domain, name)
        self._instances.pop(key, None)
        self._factories.pop(key, None)
        is_factory = _is_factory(instance_or_factory) if factory is None else factory
        if is_factory:
            self._factories[key] = instance_or_factory
        else:
            self._instances[key] = instance_or_factory

    def is_registered(self, domain: str, name: str) -> bool:
        return (domain, name) in self._instances or (domain, name) in self._factories

    def services(self) -> list[Key]:
        """Every registered ``(domain, name)``, sorted."""
        return sorted(set(self._instances) | set(self._factories))

    async def get_service(self, domain: str, name: str) -> Any:
        """The service registered as ``(domain, name)``; raises :class:`ServiceNotFound`."""
        key = (domain, name)
        if key in self._instances:
            return self._instances[key]
        if key not in self._factories:
            raise ServiceNotFound(domain, name, self.services())
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:  # two concurrent first calls must not build two instances
            if key not in self._instances:
                factory = self._factories[key]
                args = (self,) if _takes_argument(factory) else ()
                self._instances[key] = await invoke(factory, *args)
        return self._instances[key]

    def register_adapter(self, adapter_class: type[A], adapter: A) -> None:
        """Use ``adapter`` whenever ``get_adapter(adapter_class)`` is asked for."""
        self._adapters[adapter_class] = adapter

    def get_adapter(self, adapter_class: type[A]) -> A:
        """The adapter for ``adapter_class``, built with this locator on first use."""
        if adapter_class not in self._adapters:
            self._adapters[adapter_class] = adapter_class(self)  # type: ignore[call-arg]
        adapter: A = self._adapters[adapter_class]
        return adapter

    @contextmanager
    def override(self, domain: str, name: str, replacement: Any) -> Iterator[Any]:
        """Serve ``replacement`` (used as is, never as a factory) inside the block."""
        key = (domain, name)
        saved = (self._instances.get(key, _MISSING), self._factories.get(key, _MISSING))
        self.register_service(domain, name, replacement, factory=False)
        try:
            yield replacement
        finally:
            self._instances.pop(key, None)
            if saved[0] is not _MISSING:
                self._instances[key] = saved[0]
            if saved[1] is not _MISSING:
                self._factories[key] = saved[1]

    @contextmanager
    def override_adapter(self, adapter_class: type[A], replacement: A) -> Iterator[A]:
        """Serve ``replacement`` from ``get_adapter(adapter_class)`` inside the block."""
        saved = self._adapters.get(adapter_class, _MISSING)
        self._adapters[adapter_class] = replacement
        try:
            yield replacement
        finally:
            if saved is _MISSING:
                del self._adapters[adapter_class]
            else:
                self._adapters[adapter_class] = saved


_MISSING: Any = object()
