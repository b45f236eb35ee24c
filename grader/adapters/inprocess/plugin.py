"""The grader's side inside the test process: loaded by ``-p`` before any learner code.

What it does, in the order it happens:

1. At ``pytest_configure`` (before any test module, so before any answer, is imported)
   it reads its :class:`~.wire.Settings` from a pipe the grader opened
   (``GRADER_CONFIG_FD``) and closes it: a per-run secret key, the report pipe, the
   per-test time limit, the answer files and the domains. Nothing of it stays in the
   environment or on disk.
2. It installs the audit hook (:mod:`.audit`) and the import watch (:mod:`.imports`):
   when the learner's own code inspects frames or the heap, installs a trace function,
   rewrites code objects, uses ``ctypes``, starts processes, opens sockets or files
   outside its workspace, or imports another domain's module (whatever the name was
   built from), it is reported, with the answer's file and line, before the call returns.
3. It snapshots (:mod:`.snapshot`) what decides an outcome and checks it before every
   result: a change is reported, and the tests from then on are not graded.
4. It runs each test function itself, so a test counts as passed only when its body
   ran to its end here, whatever pytest's report objects say; it arms a per-test
   alarm (the grader also kills the process from outside when the alarm is ignored);
   it runs ``async def`` tests on an event loop of its own (not the policy's, which an
   answer may replace), and counts one as run only when its coroutine finished.
5. When the grader asks for the lines of some answer files (the learner's own tests
   are being run), coverage.py measures them from before any answer is imported, and
   the lines that ran are reported at the end. Its modules are hidden from
   ``sys.modules`` meanwhile; learner code importing ``coverage`` or replacing its
   tracer is reported as tampering.
6. Every report line is signed and numbered (:func:`.wire.signer`); the last is ``done``.

Behaviour choices, stated once: standard library and pytest only; every function this
code relies on is captured when the plugin is configured, before any answer loads.
Nothing here decides a score: the grader reads these lines, checks them against the
tests it expects, and applies its own rules. What this defends against, and what it
does not, is in ``grader/SECURITY_MODEL.md``.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import importlib
import inspect
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Generator, Sequence
from types import ModuleType
from typing import Any

import pytest

from grader.adapters.inprocess import wire
from grader.adapters.inprocess.audit import AuditHook, Emit
from grader.adapters.inprocess.failures import describe, stopped_text
from grader.adapters.inprocess.imports import _Blame, _watch_imports
from grader.adapters.inprocess.snapshot import (
    IN_PROCESS_MODULES,
    _CourseModules,
    _Snapshot,
    namespace_callables,
)

_per_test = 0.0

# Captured before any answer loads: an async test runs on a loop of this class, never on
# one the event-loop policy (which an answer may replace) hands out.
_Runner = asyncio.Runner
_Loop = asyncio.SelectorEventLoop


def _run_to_end(coroutine: Any) -> None:
    """Run an ``async def`` test; it passes only if its own body ran to its end."""
    finished: list[bool] = []

    async def judged() -> None:
        await coroutine
        finished.append(True)

    with _Runner(loop_factory=_Loop) as runner:
        runner.run(judged())
    if not finished:
        raise RuntimeError("the async test never ran to its end (its event loop was altered)")


class TestTimeout(BaseException):
    """Raised in a test by the alarm: a BaseException, so ``except Exception`` in learner
    code does not swallow it."""


def _on_alarm(signum: int, frame: Any) -> None:
    raise TestTimeout(f"took longer than {_per_test:g} s")


def pytest_configure(config: pytest.Config) -> None:
    global _per_test
    config.addinivalue_line("markers", "points(n): the points this test is worth")
    fd = os.environ.pop(wire.CONFIG_FD_ENV, None)
    if fd is None:
        return  # plain pytest, not the grader: only the marker
    settings = _read_settings(int(fd))
    _per_test = float(settings["per_test"])
    reporter = _Reporter(settings)
    config.pluginmanager.register(reporter, "grader-reporter")
    reporter.ready()


def _read_settings(fd: int) -> wire.Settings:
    chunks = []
    try:
        while chunk := os.read(fd, 65536):
            chunks.append(chunk)
    finally:
        os.close(fd)
    settings: wire.Settings = json.loads(b"".join(chunks))
    return settings


def _emitter(fd: int, key: bytes) -> Emit:
    """Signed, numbered report lines on the pipe; silent in forked children."""
    owner = os.getpid()
    lock = threading.RLock()
    counter = [0]
    finished = [False]
    sign, write, getpid = wire.signer(key), os.write, os.getpid
    os.set_inheritable(fd, False)

    def close_in_child() -> None:
        with contextlib.suppress(OSError):
            os.close(fd)

    os.register_at_fork(after_in_child=close_in_child)

    def emit(message: wire.Message) -> None:
        if getpid() != owner or finished[0]:
            return
        with lock:
            finished[0] = message["event"] == wire.Event.DONE  # nothing of ours follows
            data = sign(message, counter[0])
            counter[0] += 1
            while data:
                try:
                    written = write(fd, data)
                except OSError:
                    return
                data = data[written:]

    return emit


def _start_coverage(paths: Sequence[str]) -> tuple[Any, dict[str, ModuleType]]:
    """coverage.py measuring ``paths`` only, in memory, with no configuration file read.

    Its modules are then taken out of ``sys.modules`` until the end, so that learner code
    looking for the running instance there finds nothing (importing it is reported).
    """
    import coverage

    measuring = coverage.Coverage(data_file=None, include=list(paths), config_file=False)
    measuring.start()
    hidden = {
        name: sys.modules.pop(name)
        for name in list(sys.modules)
        if name == "coverage" or name.startswith("coverage.")
    }
    return measuring, hidden


class _Reporter:
    """The hooks that report; registered by :func:`pytest_configure`."""

    def __init__(self, settings: wire.Settings) -> None:
        self._emit = _emitter(settings["report_fd"], bytes.fromhex(settings["key"]))
        self._per_test = float(settings["per_test"])
        self._packages = settings["packages"]
        self._signal, self._setitimer = signal.signal, signal.setitimer
        self._run_async = _run_to_end
        self._clock = time.perf_counter
        self._iscoroutine = inspect.iscoroutine
        self._gettrace, self._getprofile = sys.gettrace, sys.getprofile
        self._describe, self._stopped_text = describe, stopped_text
        self._started: dict[str, float] = {}
        self._phases: dict[str, list[pytest.TestReport]] = {}
        self._ran: set[str] = set()
        self._overtime: set[str] = set()
        self._reported: set[str] = set()
        self._measure = list(settings["measure"])
        self._coverage: Any = None
        self._coverage_modules: dict[str, ModuleType] = {}
        if self._measure:
            self._coverage, self._coverage_modules = _start_coverage(self._measure)
        self._tracer = sys.gettrace()  # coverage's, when measuring; else None
        blame = _Blame(settings["answers"], settings["packages"], settings["domains"])
        own = [blame.module_name(a) for a in blame.answers]
        self._course = _CourseModules(settings["course"], own, blame.packages)
        self._course.record_new()  # a warm worker's kernel, loaded before any answer
        importer, import_module, finder = _watch_imports(self._course.record_new)
        self._finder = finder
        self._test_modules: set[str] = set()
        hook = AuditHook(
            self._emit, blame, settings["workspace"], bool(self._measure), self._test_modules
        )
        hook.install()
        self._relative = blame.relative
        self._snapshot = _Snapshot(
            {
                "builtins.__import__": importer,
                "importlib.import_module": import_module,
                **{f"{type(self).__name__}.{k}": v for k, v in vars(type(self)).items()},
                **namespace_callables(IN_PROCESS_MODULES),
            }
        )

    def _now(self) -> dict[str, Any]:
        return {
            "builtins.__import__": builtins.__import__,
            "importlib.import_module": importlib.import_module,
            **{f"{type(self).__name__}.{k}": v for k, v in vars(type(self)).items()},
            **namespace_callables(IN_PROCESS_MODULES),
        }

    def _check(self) -> None:
        self._course.record_new()
        changed = self._snapshot.changes(self._now()) + self._course.changes()
        if self._finder not in sys.meta_path:
            changed.append("sys.meta_path (the import watch was removed)")
        if self._gettrace() is not self._tracer or self._getprofile() is not None:
            changed.append("sys.settrace/sys.setprofile (a trace function is installed)")
        changed = [c for c in changed if c not in self._reported]
        if changed:
            self._reported.update(changed)
            self._emit({"event": wire.Event.INTEGRITY, "changed": changed})

    def ready(self) -> None:
        self._emit({"event": wire.Event.READY})

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None, None, None]:
        started = self._clock()
        if self._per_test:
            self._signal(signal.SIGALRM, _on_alarm)
            self._setitimer(signal.ITIMER_REAL, self._per_test)
        try:
            yield
        finally:
            if self._per_test:
                self._setitimer(signal.ITIMER_REAL, 0)
                if self._clock() - started >= self._per_test:
                    self._overtime.add(item.nodeid)  # even if the answer caught the alarm

    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem: pytest.Function) -> bool:
        function = pyfuncitem.obj
        code = getattr(function, "__code__", None)
        expected_name = pyfuncitem.originalname
        if (
            code is None
            or code.co_name != expected_name
            or os.path.realpath(code.co_filename) != os.path.realpath(str(pyfuncitem.path))
        ):
            changed = [f"{pyfuncitem.nodeid} (the test function)"]
            self._emit({"event": wire.Event.INTEGRITY, "changed": changed})
            raise RuntimeError("the test function was replaced before it ran")
        names = pyfuncitem._fixtureinfo.argnames
        kwargs = {name: pyfuncitem.funcargs[name] for name in names}
        result = function(**kwargs)
        if self._iscoroutine(result):
            self._run_async(result)
        self._ran.add(pyfuncitem.nodeid)
        return True

    def pytest_runtest_logstart(self, nodeid: str, location: tuple[str, int | None, str]) -> None:
        self._check()
        self._started[nodeid] = self._clock()
        self._emit({"event": wire.Event.START, "nodeid": nodeid})

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self._phases.setdefault(report.nodeid, []).append(report)

    def pytest_runtest_logfinish(self, nodeid: str, location: tuple[str, int | None, str]) -> None:
        self._check()
        reports = self._phases.pop(nodeid, [])
        failed = next((r for r in reports if r.failed), None)
        if failed is None:
            outcome = "skipped" if any(r.skipped for r in reports) else "passed"
            message = ""
        else:
            outcome = "failed" if failed.when == "call" else "error"
            message = self._describe(failed, self._packages)
        if nodeid in self._overtime or "TestTimeout" in message:
            timed_out = "TestTimeout" in message
            outcome = "timeout"
            message = (
                message.split(": ", 1)[-1]
                if timed_out
                else f"took longer than {self._per_test:g} s"
            )
        elif outcome == "passed" and nodeid not in self._ran:
            outcome = "error"
            message = "the test body never ran to its end here (pytest's machinery was altered)"
            changed = ["a test passed without its body running"]
            self._emit({"event": wire.Event.INTEGRITY, "changed": changed})
        self._ran.discard(nodeid)
        self._overtime.discard(nodeid)
        duration = self._clock() - self._started.pop(nodeid, self._clock())
        self._emit(
            {
                "event": wire.Event.RESULT,
                "nodeid": nodeid,
                "outcome": outcome,
                "duration": duration,
                "message": message,
            }
        )

    @pytest.hookimpl(hookwrapper=True)
    def pytest_make_collect_report(
        self, collector: pytest.Collector
    ) -> Generator[None, None, None]:
        yield
        if isinstance(collector, pytest.Module):
            module = collector.__dict__.get("_obj")  # imported by now, unless it failed
            if isinstance(module, ModuleType):
                self._snapshot.add_test_module(module)
                self._test_modules.add(module.__name__)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            message = self._describe(report, self._packages)
            self._emit(
                {"event": wire.Event.COLLECT_ERROR, "nodeid": report.nodeid, "message": message}
            )

    def pytest_internalerror(
        self, excrepr: object, excinfo: pytest.ExceptionInfo[BaseException]
    ) -> None:
        """pytest itself stopped (a ``SystemExit`` while importing the answer, say)."""
        self._stopped(excinfo)

    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        """A ``KeyboardInterrupt`` raised by the answer (at import, say) ends the run."""
        self._stopped(excinfo)

    def _stopped(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        locations = [(str(entry.path), entry.lineno + 1) for entry in excinfo.traceback]
        message = self._stopped_text(
            excinfo.typename, str(excinfo.value), locations, self._packages
        )
        self._emit({"event": wire.Event.STOPPED, "message": message})

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self._check()
        if self._coverage is not None:
            sys.modules.update(self._coverage_modules)
            self._coverage.stop()
            data = self._coverage.get_data()
            lines = {self._relative(path): sorted(data.lines(path) or ()) for path in self._measure}
            self._emit({"event": wire.Event.LINES, "lines": lines})
        self._emit({"event": wire.Event.DONE})
