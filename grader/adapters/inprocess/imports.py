"""The import watch, and the blame: which answer file and line is behind an event.

Behaviour choices, stated once:

* Every import by name is seen, of a module already loaded too: ``builtins.__import__``
  and ``importlib.import_module`` are wrapped, and a ``sys.meta_path`` finder announces
  first imports by any other route. Each raises the audit event ``grader.import`` with
  the absolute name (and, for ``from a import b``, the submodules imported), which the
  audit hook (:mod:`grader.adapters.inprocess.audit`) judges. A failed import is an
  attempt and is announced too.
* After every import the wrappers call ``loaded`` (the course-module snapshot records
  what just finished loading), before the importing code goes on.
* Blame: an event is the learner's when an answer file's frame made the call; for
  calls that stdlib helpers also make, only when the answer called them itself.
"""

from __future__ import annotations

import builtins
import contextlib
import importlib
import importlib.abc
import importlib.util
import inspect
import sys
import sysconfig
from collections.abc import Callable, Sequence
from importlib.machinery import ModuleSpec
from types import FrameType, ModuleType
from typing import Any

IMPORT_EVENT = "grader.import"
_INSPECT = inspect.__file__
_WRAPPERS = __file__  # frames of the import wrappers: never the one asking for an import


class _Blame:
    """Decides whether learner code (an answer file) is behind an event, and where."""

    def __init__(self, answers: Sequence[str], packages: str, domains: Sequence[str]) -> None:
        self.answers = frozenset(answers)
        self.packages = packages.rstrip("/") + "/" if packages else ""
        self.domains = sorted(domains, key=len, reverse=True)
        paths = sysconfig.get_paths()
        self.stdlib = tuple({paths["stdlib"] + "/", paths["platstdlib"] + "/"})
        self.site = tuple({paths["purelib"] + "/", paths["platlib"] + "/"})
        self.me = _WRAPPERS

    def _learner_file(self, frame: FrameType) -> str | None:
        filename = frame.f_code.co_filename
        if filename in self.answers:
            return filename
        if filename.startswith("<") and not filename.startswith("<frozen"):
            file = frame.f_globals.get("__file__")
            if isinstance(file, str) and file in self.answers:
                return file
        return None

    def _is_stdlib(self, filename: str) -> bool:
        if filename.startswith("<frozen"):
            return True
        return filename.startswith(self.stdlib) and not filename.startswith(self.site)

    def culprit(
        self, frame: FrameType | None, direct: bool, through_inspect: bool = False
    ) -> tuple[str, int] | None:
        """(answer file, line) when an answer's code made the call, else None."""
        if direct:
            while through_inspect and frame is not None and frame.f_code.co_filename == _INSPECT:
                frame = frame.f_back  # inspect.stack() and currentframe() are the learner's
            if frame is None:
                return None
            file = self._learner_file(frame)
            return (file, frame.f_lineno) if file else None
        while frame is not None:
            file = self._learner_file(frame)
            if file:
                return file, frame.f_lineno
            filename = frame.f_code.co_filename
            if not (filename.startswith("<") or self._is_stdlib(filename)):
                return None  # pytest, the tests, the reference code, the grader
            frame = frame.f_back
        return None

    def module_name(self, path: str) -> str:
        """The dotted name of a file under the packages folder."""
        return self.relative(path).removesuffix(".py").replace("/", ".").removesuffix(".__init__")

    def relative(self, path: str) -> str:
        return (
            path[len(self.packages) :] if self.packages and path.startswith(self.packages) else path
        )

    def owner(self, module: str) -> str | None:
        for domain in self.domains:
            if module == domain or module.startswith(domain + "."):
                return domain
        return None

    def importer(self, frame: FrameType | None) -> tuple[str, str, int] | None:
        """(module, file under packages, line) of the domain code asking for an import."""
        while frame is not None:
            filename = frame.f_code.co_filename
            if filename == self.me or self._is_stdlib(filename):
                frame = frame.f_back
                continue
            if filename.startswith("<"):
                file = frame.f_globals.get("__file__")
                if not (isinstance(file, str) and file.startswith(self.packages)):
                    frame = frame.f_back
                    continue
                filename = file
            if not (self.packages and filename.startswith(self.packages)):
                return None
            relative = self.relative(filename)
            parts = relative.removesuffix(".py").split("/")
            if parts[-1] == "__init__":
                parts = parts[:-1]
            return ".".join(parts), relative, frame.f_lineno
        return None


class _ImportWatch(importlib.abc.MetaPathFinder):
    """First imports by any route: finds nothing, only announces the name."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        sys.audit(IMPORT_EVENT, fullname, ())
        return None


def _absolute(name: str, globals_: Any, level: int) -> str:
    if level <= 0:
        return name
    package = ""
    if isinstance(globals_, dict):
        package = globals_.get("__package__") or ""
    base = package.rsplit(".", level - 1)[0] if level > 1 else package
    return f"{base}.{name}" if name else base


def _watch_imports(loaded: Callable[[], None]) -> tuple[Any, Any, _ImportWatch]:
    """Wrap the two ways to import by name, so already-loaded modules are seen too;
    ``loaded`` runs after every import, before the importing code goes on."""
    original_import = builtins.__import__
    original_import_module = importlib.import_module
    audit = sys.audit

    def watched_import(
        name: str,
        globals: Any = None,
        locals: Any = None,
        fromlist: Sequence[str] | None = (),
        level: int = 0,
    ) -> ModuleType:
        absolute = _absolute(name, globals, level)
        try:
            module = original_import(name, globals, locals, fromlist or (), level)
        except BaseException:
            with contextlib.suppress(Exception):
                audit(IMPORT_EVENT, absolute, ())  # an attempt counts too
            raise
        with contextlib.suppress(Exception):
            loaded()
        with contextlib.suppress(Exception):
            # ``from ai.ml import model``: name the submodules, the most precise target
            submodules = tuple(
                item
                for item in fromlist or ()
                if isinstance(item, str) and isinstance(getattr(module, item, None), ModuleType)
            )
            audit(IMPORT_EVENT, absolute, submodules)
        return module

    def watched_import_module(name: str, package: str | None = None) -> ModuleType:
        try:
            absolute = importlib.util.resolve_name(name, package) if name.startswith(".") else name
            audit(IMPORT_EVENT, absolute, ())
        except Exception:
            pass
        module = original_import_module(name, package)
        with contextlib.suppress(Exception):
            loaded()
        return module

    finder = _ImportWatch()
    builtins.__import__ = watched_import
    importlib.import_module = watched_import_module
    sys.meta_path.insert(0, finder)
    return watched_import, watched_import_module, finder
