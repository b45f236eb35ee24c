"""The integrity snapshot: what decides an outcome, recorded before learner code runs.

Behaviour choices, stated once:

* Objects are compared by identity, never by value: a replaced function is a change
  even when it does the same thing.
* Recorded once, before any answer is imported: the builtins; every function and class
  (with its attributes) defined by the :data:`GUARDED_MODULES` (pytest's and pluggy's
  machinery, asyncio's loop, the grader's test helpers and every module of the grader
  inside the test process); the single functions of :data:`GUARDED`; and whatever the
  plugin adds (its import wrappers, every callable the in-process modules hold).
* A test module's names are recorded right after pytest imported it.
* The course's own modules (:class:`CourseModules`) are recorded each right after it
  first finishes loading: every module-level value and every attribute of the classes
  it defines. A course module served from outside the packages folder is a change.
"""

from __future__ import annotations

import builtins
import importlib
import inspect
import sys
from collections.abc import Iterable, Sequence
from types import ModuleType
from typing import Any

# The grader's modules inside the test process: this package.
IN_PROCESS_MODULES = (
    "grader.adapters.inprocess.wire",
    "grader.adapters.inprocess.failures",
    "grader.adapters.inprocess.imports",
    "grader.adapters.inprocess.audit",
    "grader.adapters.inprocess.snapshot",
    "grader.adapters.inprocess.plugin",
)
# Modules whose functions and classes decide an outcome: every one of them, and every
# attribute of the classes they define, is snapshotted; a change is reported.
GUARDED_MODULES = (
    "grader.testing",
    *IN_PROCESS_MODULES,
    "_pytest.runner",
    "_pytest.reports",
    "_pytest.python",
    "_pytest.main",
    "_pytest.nodes",
    "_pytest.outcomes",
    "_pytest.assertion.rewrite",
    "_pytest.assertion.util",
    "pluggy._callers",
    "pluggy._manager",
    "pluggy._hooks",
    "pluggy._result",
    "asyncio.base_events",
    "asyncio.events",
    "asyncio.runners",
    "asyncio.unix_events",
    "asyncio.selector_events",
)
# Single functions the plugin itself relies on.
GUARDED = (
    "signal.signal",
    "signal.setitimer",
    "os.write",
    "os.getpid",
    "json.dumps",
    "hmac.digest",
    "time.perf_counter",
    "time.monotonic",
    "time.time",
    "time.sleep",
    "asyncio.run",
    "asyncio.sleep",
    "asyncio.wait_for",
    "asyncio.get_event_loop_policy",
    "asyncio.set_event_loop_policy",
    "asyncio.new_event_loop",
    "inspect.iscoroutine",
    "sys.audit",
    "sys.exit",
)
_MISSING = object()
# Class attributes that Python itself keeps up to date.
_RUNTIME_ATTRIBUTES = {"__dict__", "__weakref__", "__doc__", "__module__", "_abc_impl"}


def namespace_callables(module_names: Iterable[str]) -> dict[str, Any]:
    """Every callable each module holds now (its own and the ones it imported), by name."""
    found: dict[str, Any] = {}
    for module_name in module_names:
        module = sys.modules.get(module_name)
        if module is not None:
            found.update({f"{module_name}.{k}": v for k, v in vars(module).items() if callable(v)})
    return found


def _resolve(dotted: str) -> tuple[bool, Any]:
    """The object a dotted name stands for, read without running descriptors."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        module = sys.modules.get(".".join(parts[:cut]))
        if module is not None:
            break
    else:
        try:
            module = importlib.import_module(parts[0])
        except ImportError:
            return False, None
        cut = 1
    target: Any = module
    for part in parts[cut:]:
        try:
            target = inspect.getattr_static(target, part)
        except AttributeError:
            return False, None
    return True, target


def _identities(module_name: str) -> dict[str, Any]:
    """The functions and classes a module defines, and the methods of those classes.

    (Only what the module defines itself: pytest sets other module attributes and class
    flags as it runs, and those decide nothing.)
    """
    module = sys.modules.get(module_name) or importlib.import_module(module_name)
    found: dict[str, Any] = {}
    for name, value in list(vars(module).items()):
        if not callable(value) or getattr(value, "__module__", None) != module_name:
            continue
        found[f"{module_name}.{name}"] = value
        if isinstance(value, type):
            for attribute, member in list(vars(value).items()):
                if callable(member) or isinstance(member, property | classmethod | staticmethod):
                    found[f"{module_name}.{name}.{attribute}"] = member
    return found


class _Snapshot:
    """Identities of what decides an outcome, taken before learner code runs."""

    def __init__(self, extra: dict[str, Any]) -> None:
        self.builtins = dict(vars(builtins))
        self.modules: dict[str, Any] = {}
        for module_name in GUARDED_MODULES:
            self.modules.update(_identities(module_name))
        self.objects = {name: found for name in GUARDED for ok, found in [_resolve(name)] if ok}
        self.extra = dict(extra)
        self.tests: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}

    def add_test_module(self, module: ModuleType) -> None:
        """A test module's names, right after it was imported."""
        namespace = vars(module)
        self.tests[module.__name__] = (namespace, dict(namespace))

    def changes(self, extra: dict[str, Any]) -> list[str]:
        changed = _differences("builtins", vars(builtins), self.builtins)
        current: dict[str, Any] = {}
        for module_name in GUARDED_MODULES:
            current.update(_identities(module_name))
        changed += [
            name
            for name, before in self.modules.items()
            if _value_now(name, before, current) is not before
        ]
        for name, before in self.objects.items():
            ok, found = _resolve(name)
            if not ok or found is not before:
                changed.append(name)
        changed += [k for k, v in self.extra.items() if extra.get(k, _MISSING) is not v]
        for module_name, (namespace, before) in self.tests.items():
            changed += _differences(module_name, namespace, before)
        return sorted(set(changed))


def _value_now(name: str, before: Any, current: dict[str, Any]) -> Any:
    """What ``name`` holds now (a replacement defined elsewhere is not in ``current``)."""
    if name in current:
        return current[name]
    return _resolve(name)[1] if _resolve(name)[0] else _MISSING


def _differences(prefix: str, now: dict[str, Any], before: dict[str, Any]) -> list[str]:
    return [
        f"{prefix}.{k}"
        for k in now.keys() | before.keys()
        if now.get(k, _MISSING) is not before.get(k, _MISSING)
    ]


class _CourseModules:
    """The course's own modules, each recorded right after it first loads.

    Recorded: every module-level value (not submodules, which packages gain as they
    load) and every attribute of the classes a module defines, by identity.
    """

    def __init__(self, tops: Sequence[str], own: Sequence[str], packages: str) -> None:
        self.tops = frozenset(tops)
        self.own = frozenset(own)
        self.packages = packages
        self.recorded: dict[str, dict[str, Any]] = {}
        self.modules: dict[str, Any] = {}
        self.foreign: list[str] = []  # course names served by a module from elsewhere
        self._seen = 0
        self._known: set[str] = set()
        self._loading = False

    def _ours(self, name: str) -> bool:
        return name.split(".")[0] in self.tops and name not in self.own

    def record_new(self) -> None:
        """Record the course modules that finished loading since the last call (a module
        still running its own body is left for a later call)."""
        if len(sys.modules) == self._seen and not self._loading:
            return
        self._seen = len(sys.modules)
        fresh = sys.modules.keys() - self._known  # a set difference: cheap, in C
        self._known |= fresh
        self._loading = False
        for name in fresh:
            module = sys.modules.get(name)
            if not self._ours(name) or not isinstance(module, ModuleType):
                continue
            if getattr(getattr(module, "__spec__", None), "_initializing", False):
                self._known.discard(name)  # look again next time
                self._loading = True
                continue
            self.recorded[name] = _module_values(module)
            self.modules[name] = module
            if not self._inside(module):
                self.foreign.append(_foreign(name))

    def _inside(self, module: Any) -> bool:
        origin = getattr(module, "__file__", None) or next(
            iter(getattr(module, "__path__", None) or ()), None
        )  # a namespace package has a path, not a file
        return not self.packages or (isinstance(origin, str) and origin.startswith(self.packages))

    def changes(self) -> list[str]:
        changed = list(self.foreign)
        for name, before in self.recorded.items():
            module = sys.modules.get(name)
            if module is not None and module is not self.modules[name] and not self._inside(module):
                changed.append(_foreign(name))  # swapped after it loaded (a warm worker's kernel)
                continue
            now = _module_values(module) if isinstance(module, ModuleType) else {}
            changed += [
                f"{name}.{key}"
                for key in before.keys() | now.keys()
                if before.get(key, _MISSING) is not now.get(key, _MISSING)
            ]
        return changed


def _foreign(name: str) -> str:
    return f"{name} (a module from outside the course was put in)"


def _module_values(module: ModuleType) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, value in list(vars(module).items()):
        if name.startswith("__") or isinstance(value, ModuleType):
            continue
        found[name] = value
        if isinstance(value, type) and value.__module__ == module.__name__:
            for attribute, member in list(vars(value).items()):
                if attribute not in _RUNTIME_ATTRIBUTES:
                    found[f"{name}.{attribute}"] = member
    return found
