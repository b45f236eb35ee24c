"""Runs an exercise's tests in a separate, limited pytest process and reads its reports.

Behaviour choices, stated once:

* The test process gets the grader's own config (``-c``), no conftest, no plugin
  auto-loading, no cache, an isolated interpreter (``-I``) and a clean environment;
  its exit code is ignored. Outcomes come only from the report pipe.
* Every expected test must be reported exactly once. A test reported twice, or one
  nobody expected, marks the run as tampered; a test never reported scores 0.
* An infinite loop costs that test and no more: the test process arms an alarm per
  test, and if learner code blocks it, the grader kills the process after the
  per-test limit plus a grace period, scores that test as a timeout, and starts a new
  process for the tests not yet run. The total time limit is enforced the same way.
* Output is not captured by pytest (``-s``): it comes straight to the grader, which
  keeps the first ``limits.output_kb`` and reads and drops the rest, so a flood can
  neither fill a disk nor block the process.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.adapters.sandbox import Sandbox
from grader.application.ports import RunReport, TestRun, Workspace
from grader.domain.exercise import Limits, TestSpec, function_id
from grader.domain.result import Flag, Outcome, Severity

GRACE_SECONDS = 1.0
EXIT_DRAIN_SECONDS = 0.2  # reading what pytest wrote just before it exited
OUTCOMES = {
    "passed": Outcome.PASSED,
    "failed": Outcome.FAILED,
    "error": Outcome.ERROR,
    "timeout": Outcome.TIMEOUT,
    "skipped": Outcome.FAILED,  # a skipped test earned nothing
}
INI = """[pytest]
pythonpath = {packages}
markers =
    points(n): the points this test is worth
"""


@dataclass
class _Progress:
    """What the reports of all the processes of one run have said so far."""

    expected: set[str]
    runs: dict[str, TestRun] = field(default_factory=dict)
    seen_nodes: set[str] = field(default_factory=set)
    flags: list[Flag] = field(default_factory=list)
    output: bytearray = field(default_factory=bytearray)
    truncated: bool = False

    def record(self, node_id: str, outcome: Outcome, duration: float, message: str) -> None:
        if node_id in self.seen_nodes:
            self.flags.append(Flag("tampered", f"{node_id} was reported twice", Severity.REVIEW))
            return
        self.seen_nodes.add(node_id)
        test = function_id(node_id)
        if test not in self.expected:
            self.flags.append(
                Flag("tampered", f"an unexpected test {node_id} was reported", Severity.REVIEW)
            )
            return
        previous = self.runs.get(test)
        if previous is None or previous.outcome is Outcome.PASSED:
            total = duration + (previous.duration if previous else 0.0)
            self.runs[test] = TestRun(outcome, total, message)  # a failing case decides

    def pending(self) -> list[str]:
        return sorted(self.expected - set(self.runs))


class PytestRunner:
    def __init__(self, sandbox: Sandbox, python: str = sys.executable) -> None:
        self.sandbox = sandbox
        self.python = python

    def run(self, workspace: Workspace, specs: Sequence[TestSpec], limits: Limits) -> RunReport:
        progress = _Progress({s.id for s in specs})
        ini = workspace.root / "grader_tests" / "pytest.ini"
        ini.write_text(INI.format(packages=workspace.packages), encoding="utf-8")
        deadline = time.monotonic() + limits.total_seconds
        targets: list[str] = sorted({s.id.split("::", 1)[0] for s in specs})
        while targets:
            before = len(progress.runs)
            self._one_process(workspace, ini, targets, limits, deadline, progress)
            pending = progress.pending()
            if not pending or time.monotonic() >= deadline or len(progress.runs) == before:
                break
            targets = pending  # a killed or crashed process: go on with the rest
        for test in progress.pending():
            reason = (
                f"not run: the tests hit the total time limit of {limits.total_seconds:g} s"
                if time.monotonic() >= deadline
                else "never reported a result: the test process ended before running it"
            )
            outcome = Outcome.TIMEOUT if time.monotonic() >= deadline else Outcome.MISSING
            progress.runs[test] = TestRun(outcome, 0.0, reason)
        if progress.truncated:
            progress.flags.append(
                Flag("output-truncated", f"test output was cut at {limits.output_kb} KB")
            )
        return RunReport(
            progress.runs, tuple(progress.flags), progress.output.decode(errors="replace")
        )

    def _command(self, ini: Path, workspace: Workspace, targets: list[str]) -> list[str]:
        return [
            *(self.python, "-I", "-m", "pytest", "-c", str(ini), "--rootdir", str(workspace.root)),
            *("-p", "grader.adapters.pytest_plugin", "-p", "no:cacheprovider", "--noconftest"),
            *("--import-mode=importlib", "-s", "-q", "--no-header", "-rN", "--color=no"),
            *targets,
        ]

    def _one_process(
        self,
        workspace: Workspace,
        ini: Path,
        targets: list[str],
        limits: Limits,
        deadline: float,
        progress: _Progress,
    ) -> None:
        read_end, write_end = os.pipe()
        env = {
            "PATH": os.path.dirname(self.python) + ":/usr/bin:/bin",
            "HOME": str(workspace.root),
            "LANG": "C.UTF-8",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONHASHSEED": "0",
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
            "GRADER_REPORT_FD": str(write_end),
            "GRADER_PER_TEST_SECONDS": str(limits.per_test_seconds),
            "GRADER_PACKAGES": str(workspace.packages),
        }
        command = self.sandbox.wrap(self._command(ini, workspace, targets), workspace, limits)
        process = subprocess.Popen(
            command,
            cwd=workspace.root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            pass_fds=(write_end,),
            start_new_session=True,
        )
        os.close(write_end)
        try:
            self._watch(process, read_end, limits, deadline, progress)
        finally:
            _kill(process)
            os.close(read_end)

    def _watch(
        self,
        process: subprocess.Popen[bytes],
        read_end: int,
        limits: Limits,
        deadline: float,
        progress: _Progress,
    ) -> None:
        assert process.stdout is not None
        selector = selectors.DefaultSelector()
        selector.register(read_end, selectors.EVENT_READ, "report")
        selector.register(process.stdout.fileno(), selectors.EVENT_READ, "output")
        buffer = b""
        running: tuple[str, float] | None = None  # node id, monotonic start
        loading_since: float | None = time.monotonic()  # until the first test starts
        open_streams = {"report", "output"}
        exited: float | None = None
        while open_streams:
            now = time.monotonic()
            if process.poll() is not None and exited is None:
                exited = now
            elif exited is not None and now - exited > EXIT_DRAIN_SECONDS:
                break  # pytest is gone; a leftover child holding a pipe must not stall us
            if loading_since and now - loading_since > limits.per_test_seconds + GRACE_SECONDS:
                _kill(process)
                message = (
                    f"loading the tests and answers took longer than "
                    f"{limits.per_test_seconds:g} s (an endless loop at import?)"
                )
                for test in progress.pending():
                    progress.runs[test] = TestRun(Outcome.TIMEOUT, 0.0, message)
                return
            if running and now - running[1] > limits.per_test_seconds + GRACE_SECONDS:
                _kill(process)
                progress.record(
                    running[0],
                    Outcome.TIMEOUT,
                    now - running[1],
                    f"took longer than {limits.per_test_seconds:g} s (stopped)",
                )
                progress.flags.append(
                    Flag(
                        "timeout-kill",
                        f"{running[0]} ignored its time limit; the test process was killed",
                    )
                )
                return
            if now >= deadline:
                _kill(process)
                if running:
                    progress.record(
                        running[0],
                        Outcome.TIMEOUT,
                        now - running[1],
                        "stopped at the total time limit",
                    )
                return
            for key, _ in selector.select(timeout=0.05):
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    selector.unregister(key.fd)
                    open_streams.discard(key.data)
                    continue
                if key.data == "output":
                    room = limits.output_kb * 1024 - len(progress.output)
                    progress.output += chunk[: max(room, 0)]
                    progress.truncated |= len(chunk) > room
                    continue
                buffer += chunk
                *lines, buffer = buffer.split(b"\n")
                for line in lines:
                    running = _apply(line, running, progress)
                    loading_since = None
        _kill(process)
        if running:  # the process died inside a test
            code = process.returncode
            progress.record(
                running[0],
                Outcome.ERROR,
                time.monotonic() - running[1],
                f"the test process died while running this test (exit code {code})",
            )


def _apply(
    line: bytes, running: tuple[str, float] | None, progress: _Progress
) -> tuple[str, float] | None:
    try:
        event: dict[str, Any] = json.loads(line)
        kind = event["event"]
    except (ValueError, KeyError, TypeError):
        progress.flags.append(
            Flag("tampered", "the report pipe carried a malformed line", Severity.REVIEW)
        )
        return running
    if kind == "start":
        return (str(event["nodeid"]), time.monotonic())
    if kind == "result":
        progress.record(
            str(event["nodeid"]),
            OUTCOMES.get(str(event.get("outcome")), Outcome.ERROR),
            float(event.get("duration", 0)),
            str(event.get("message", "")),
        )
        return None
    if kind == "collect_error":
        file = str(event["nodeid"])
        message = "the answer could not be imported: " + str(event.get("message", ""))
        for test in progress.pending():
            if test.startswith(file + "::") or not file:
                progress.runs[test] = TestRun(Outcome.ERROR, 0.0, message)
    return running


def _kill(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    process.wait()
