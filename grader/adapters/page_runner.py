"""The public tests run inside this Python process: the browser's test runner (Pyodide).

In the browser there is no subprocess, no thread, no signal and no sandbox, so the
tests run here, in the kernel's own interpreter, with ``pytest.main``. Hidden tests never
reach the browser, so there is nothing to protect from the learner: this is a self-check.

Behaviour choices, stated once:

* Outcomes follow the server's rules (:mod:`grader.adapters.inprocess`): a failure in
  the test's call is ``failed``, in its set-up ``error``, a skip earns nothing; the messages
  are made by the same :func:`~grader.adapters.inprocess.failures.describe`. Parametrized cases
  share one test function: its outcome is that of its first case that did not pass, named.
* ``async def`` tests run on the event loop that is already running in the page (the
  kernel's): :func:`pyodide.ffi.run_sync` waits for them. Outside Pyodide (plain CPython,
  where this runner is tested) they run with :func:`asyncio.run`, as on the server.
* Repeated runs share ``sys.modules``: the learners' world (the config's root packages) is
  taken out before a run and put back after it, so every run imports the workspace's code
  afresh and the notebook keeps the modules it had.
* The run-time import watch (the ``runtime-imports`` check) wraps ``__import__`` and
  ``importlib.import_module`` during the run: domain code importing another domain's
  module, however the name was built, is reported as on the server.
* No per-test time limit: an answer that loops forever keeps the tab busy until the
  kernel is restarted (the server stops it after the limit).
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import importlib
import importlib.abc
import inspect
import io
import sys
import time
from collections.abc import Awaitable, Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from grader.adapters.inprocess.failures import describe
from grader.adapters.inprocess.imports import _absolute, _Blame
from grader.adapters.pytest_runner import INI, RuntimeBoundary
from grader.adapters.run_reports import case_id
from grader.application.ports import RunReport, RuntimeImports, TestRun, Workspace
from grader.domain.exercise import TESTS_FOLDER, Limits, TestSpec, function_id
from grader.domain.result import Outcome, ViolationInfo

OUTCOMES = {"passed": Outcome.PASSED, "failed": Outcome.FAILED, "error": Outcome.ERROR}
NOT_RUN = TestRun(Outcome.MISSING, 0.0, "never reported a result: pytest did not run it")


def wait_for(coroutine: Awaitable[Any]) -> Any:
    """The coroutine's result, whether or not an event loop is already running here."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(_as_coroutine(coroutine))
    from pyodide.ffi import run_sync  # type: ignore[import-not-found]  # only in Pyodide

    # The exception comes back as a value and is raised here: a task that ends with an
    # exception would also be reported by the page's loop, as a stray traceback.
    ok, value = run_sync(_settled(coroutine))
    if not ok:
        raise value
    return value


async def _as_coroutine(awaitable: Awaitable[Any]) -> Any:
    return await awaitable


async def _settled(awaitable: Awaitable[Any]) -> tuple[bool, Any]:
    try:
        return True, await awaitable
    except BaseException as error:  # handed back to wait_for, which raises it
        return False, error


class _Recorder:
    """A pytest plugin: runs async tests, and keeps one outcome per test function."""

    def __init__(self, packages: str) -> None:
        self.packages = packages
        self.runs: dict[str, TestRun] = {}
        self.collect_errors: list[str] = []
        self._phases: dict[str, list[pytest.TestReport]] = {}
        self._started: dict[str, float] = {}

    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem: pytest.Function) -> bool | None:
        if not inspect.iscoroutinefunction(pyfuncitem.obj):
            return None
        names = pyfuncitem._fixtureinfo.argnames
        wait_for(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
        return True

    def pytest_runtest_logstart(self, nodeid: str, location: object) -> None:
        self._started[nodeid] = time.perf_counter()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self._phases.setdefault(report.nodeid, []).append(report)

    def pytest_runtest_logfinish(self, nodeid: str, location: object) -> None:
        reports = self._phases.pop(nodeid, [])
        failed = next((r for r in reports if r.failed), None)
        if failed is None:
            skipped = any(r.skipped for r in reports)
            run = TestRun(Outcome.FAILED if skipped else Outcome.PASSED, 0.0, "skipped" * skipped)
        else:
            outcome = Outcome.FAILED if failed.when == "call" else Outcome.ERROR
            run = TestRun(outcome, 0.0, describe(failed, self.packages))
        duration = time.perf_counter() - self._started.pop(nodeid, time.perf_counter())
        key = function_id(nodeid)
        previous = self.runs.get(key)
        if previous is None or previous.outcome is Outcome.PASSED:  # a failing case decides
            total = duration + (previous.duration if previous else 0.0)
            case = case_id(nodeid) if run.outcome is not Outcome.PASSED else ""
            self.runs[key] = TestRun(run.outcome, total, run.message, case)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collect_errors.append(describe(report, self.packages))


class _ImportWatch:
    """Domain code importing another domain's module while the tests run."""

    def __init__(self, blame: _Blame, boundary: RuntimeBoundary) -> None:
        self.blame = blame
        self.boundary = boundary
        self.found: dict[tuple[str, int, str], ViolationInfo] = {}

    def seen(self, names: Sequence[str], frame: Any) -> None:
        targets = {n: self.blame.owner(n) for n in names}
        if not any(targets.values()):
            return
        located = self.blame.importer(frame)
        if located is None:
            return
        module, relative, line = located
        mine = self.blame.owner(module)
        for target, theirs in targets.items():
            if mine is None or theirs is None or theirs == mine:
                continue
            key = (relative, line, theirs)
            known = self.found.get(key)
            if known is None or len(target) > len(known.chain[-1]):
                self.found[key] = ViolationInfo(
                    relative,
                    line,
                    f"{module} imported {target} at run time",
                    (module, target),
                    self.boundary.advice,
                    self.boundary.section,
                )

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        original_import, original_import_module = builtins.__import__, importlib.import_module

        def watched_import(
            name: str, globals: Any = None, locals: Any = None, fromlist: Any = (), level: int = 0
        ) -> ModuleType:
            module = original_import(name, globals, locals, fromlist or (), level)
            absolute = _absolute(name, globals, level)
            names = [  # `from ai.ml import model`: the submodule is the most precise target
                f"{absolute}.{item}"
                for item in fromlist or ()
                if isinstance(item, str) and isinstance(getattr(module, item, None), ModuleType)
            ]
            self.seen(names or [absolute], sys._getframe(1))
            return module

        def watched_import_module(name: str, package: str | None = None) -> ModuleType:
            absolute = importlib.util.resolve_name(name, package) if name.startswith(".") else name
            self.seen([absolute], sys._getframe(1))
            return original_import_module(name, package)

        finder = _FirstImports(self)
        builtins.__import__ = watched_import
        importlib.import_module = watched_import_module
        sys.meta_path.insert(0, finder)
        try:
            yield
        finally:
            builtins.__import__ = original_import
            importlib.import_module = original_import_module
            sys.meta_path.remove(finder)


class _FirstImports(importlib.abc.MetaPathFinder):
    """First imports by any route (``importlib._bootstrap`` included): finds nothing, only
    tells the watch the name."""

    def __init__(self, watch: _ImportWatch) -> None:
        self.watch = watch

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> None:
        self.watch.seen([fullname], sys._getframe(1))
        return None


@contextlib.contextmanager
def _fresh_world(roots: Sequence[str], packages: Path, workspace: Path) -> Iterator[None]:
    """The workspace's packages first on the path and imported afresh; then put back."""

    def ours(name: str, module: ModuleType | None) -> bool:
        file = str(getattr(module, "__file__", "") or "")
        return name.split(".")[0] in roots or file.startswith(str(workspace))

    saved = {name: m for name, m in sys.modules.items() if ours(name, m)}
    for name in saved:
        del sys.modules[name]
    path = list(sys.path)
    sys.path.insert(0, str(packages))
    importlib.invalidate_caches()
    try:
        yield
    finally:
        for name in [n for n, m in sys.modules.items() if ours(n, m)]:
            del sys.modules[name]
        sys.modules.update(saved)
        sys.path[:] = path
        importlib.invalidate_caches()


class InProcessRunner:
    """A :class:`~grader.application.ports.TestRunner` for where only this process exists."""

    def __init__(self, roots: Sequence[str], boundary: RuntimeBoundary | None = None) -> None:
        self.roots = tuple(roots)
        self.boundary = boundary or RuntimeBoundary()

    def run(
        self,
        workspace: Workspace,
        specs: Sequence[TestSpec],
        limits: Limits,
        answer_files: Sequence[str] = (),
        measure: Sequence[str] = (),
    ) -> RunReport:
        public = [s for s in specs if not s.hidden]
        ini = workspace.root / TESTS_FOLDER / "pytest.ini"
        ini.write_text(INI.format(packages=workspace.packages), encoding="utf-8")
        targets = sorted({s.id.split("::", 1)[0] for s in public})
        recorder = _Recorder(str(workspace.packages))
        answers = [str(workspace.packages / a) for a in answer_files]
        blame = _Blame(answers, str(workspace.packages), self.boundary.domains)
        watch = _ImportWatch(blame, self.boundary)
        arguments = [
            *("-c", str(ini), "--rootdir", str(workspace.root)),
            *("-p", "no:cacheprovider", "-p", "no:asyncio", "--noconftest"),
            *("--import-mode=importlib", "-q", "--no-header", "-rN", "--color=no"),
            *(str(workspace.root / t) for t in targets),
        ]
        roots = {*self.roots, *(a.split("/")[0] for a in answer_files)}  # `quiz` too
        with (
            _fresh_world(tuple(roots), workspace.packages, workspace.root),
            contextlib.chdir(workspace.root),
            contextlib.redirect_stdout(io.StringIO()),  # pytest's own report: unused
            watch.installed(),
        ):
            if targets:
                pytest.main(arguments, plugins=[recorder])
        stopped = "; ".join(recorder.collect_errors)
        runs = {
            s.id: recorder.runs.get(s.id)
            or (TestRun(Outcome.ERROR, 0.0, stopped) if stopped else NOT_RUN)
            for s in public
        }
        runtime = RuntimeImports(ran=True, violations=tuple(watch.found.values()))
        return RunReport(runs, (), "", runtime)
