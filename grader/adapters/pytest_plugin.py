"""The grader's side inside the test process: loaded by ``-p`` before any learner code.

It reports every test's start and outcome as JSON lines on a pipe the grader opened
(file descriptor ``GRADER_REPORT_FD``), arms a per-test alarm, and runs ``async def``
tests with ``asyncio.run`` so no asyncio plugin is needed. Nothing here decides a
score: the grader reads these lines and checks them against the tests it expects.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import re
import signal
import time
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

_channel: Any = None
_per_test = 0.0
_packages = ""
_started: dict[str, float] = {}
_phases: dict[str, list[pytest.TestReport]] = {}


class TestTimeout(BaseException):
    """Raised in a test by the alarm: a BaseException, so ``except Exception`` in learner
    code does not swallow it."""


def _send(event: dict[str, Any]) -> None:
    if _channel is not None:
        _channel.write(json.dumps(event) + "\n")
        _channel.flush()


def pytest_configure(config: pytest.Config) -> None:
    global _channel, _per_test, _packages
    fd = os.environ.pop("GRADER_REPORT_FD", None)
    if fd is not None:
        _channel = os.fdopen(int(fd), "w", buffering=1, encoding="utf-8")
    _per_test = float(os.environ.pop("GRADER_PER_TEST_SECONDS", "0") or 0)
    _packages = os.environ.pop("GRADER_PACKAGES", "")
    config.addinivalue_line("markers", "points(n): the points this test is worth")


def _on_alarm(signum: int, frame: Any) -> None:
    raise TestTimeout(f"took longer than {_per_test:g} s")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    if _per_test:
        signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, _per_test)
    try:
        yield
    finally:
        if _per_test:
            signal.setitimer(signal.ITIMER_REAL, 0)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    kwargs = {name: pyfuncitem.funcargs[name] for name in names}
    asyncio.run(pyfuncitem.obj(**kwargs))
    return True


def pytest_runtest_logstart(nodeid: str, location: tuple[str, int | None, str]) -> None:
    _started[nodeid] = time.perf_counter()
    _send({"event": "start", "nodeid": nodeid})


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _phases.setdefault(report.nodeid, []).append(report)


def pytest_runtest_logfinish(nodeid: str, location: tuple[str, int | None, str]) -> None:
    reports = _phases.pop(nodeid, [])
    failed = next((r for r in reports if r.failed), None)
    if failed is None:
        outcome = "skipped" if any(r.skipped for r in reports) else "passed"
        message = ""
    else:
        outcome = "failed" if failed.when == "call" else "error"
        message = describe(failed)
        if "TestTimeout" in message:
            outcome, message = "timeout", message.split(": ", 1)[-1]
    duration = time.perf_counter() - _started.pop(nodeid, time.perf_counter())
    _send(
        {
            "event": "result",
            "nodeid": nodeid,
            "outcome": outcome,
            "duration": duration,
            "message": message,
        }
    )


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if report.failed:
        _send({"event": "collect_error", "nodeid": report.nodeid, "message": describe(report)})


def pytest_sessionfinish(session: pytest.Session) -> None:
    _send({"event": "done"})


def describe(report: pytest.TestReport | pytest.CollectReport) -> str:
    """One short, readable account of a failure: what went wrong and where in the answer."""
    if isinstance(report, pytest.CollectReport):
        return _describe_import_failure(str(report.longrepr))
    longrepr = report.longrepr
    crash = getattr(longrepr, "reprcrash", None)
    message = crash.message if crash is not None else str(longrepr).strip().splitlines()[-1:]
    if isinstance(message, list):
        message = message[0] if message else "failed"
    lines = [line for line in str(message).splitlines() if line.strip()][:12]
    text = "\n".join(lines)
    where = _answer_location(longrepr)
    if where:
        text += f"\n(at {where})"
    return text[:2000]


def _answer_location(longrepr: Any) -> str:
    """The deepest traceback entry inside the learner's packages, as path:line."""
    chain = getattr(longrepr, "chain", None) or []
    found = ""
    for traceback, _crash, _description in chain:
        for entry in getattr(traceback, "reprentries", []):
            location = getattr(entry, "reprfileloc", None)
            if location is None:
                continue
            relative = _in_packages(str(location.path))
            if relative:
                found = f"{relative}:{location.lineno}"
    return found


def _in_packages(path: str) -> str:
    """``path`` relative to the learner's packages folder, or "" when outside it."""
    marker = "src/packages/"
    if _packages and path.startswith(_packages):
        return str(Path(path).relative_to(_packages))
    return path.split(marker, 1)[1] if marker in path else ""


def _describe_import_failure(text: str) -> str:
    """``SyntaxError: '(' was never closed (at data/x.py:2)`` from pytest's long report."""
    errors = [line[1:].strip() for line in text.splitlines() if line.startswith("E ")]
    errors = [e for e in errors if e]
    problem = errors[-1] if errors else (text.strip().splitlines() or ["unknown error"])[-1]
    where = ""
    locations = re.findall(r'File "([^"]+)", line (\d+)|^(\S+\.py):(\d+): in ', text, re.M)
    for quoted, quoted_line, short, short_line in locations:
        path, line = (quoted, quoted_line) if quoted else (short, short_line)
        relative = _in_packages(path)
        if relative:
            where = f"{relative}:{line}"
    return f"{problem} (at {where})" if where else problem
