"""Watching one test process: its deadlines, its two pipes, and what its end means.

Behaviour choices, stated once:

* Deadlines (:class:`Deadlines`): loading the tests and answers, and each test, may take
  the per-test limit plus :data:`GRACE_SECONDS`; the whole run, the total limit. After
  its ``done`` line the process has :data:`LINGER_SECONDS` to exit. Past any of them the
  process is killed; only the running test (or, while loading, every test of the
  process) pays for it.
* Report lines (:class:`LineReader`) are framed by newlines, at most :data:`MAX_LINE`
  bytes each, and checked by :func:`~grader.adapters.inprocess.wire.verify`. After
  :data:`MAX_BAD_LINES` bad ones the grader stops listening (a flood of forgeries).
* Output is kept up to ``limits.output_kb``; the rest is read and dropped, so a flood
  can neither fill a disk nor block the process.
* Once pytest has exited, what is left in the pipes is read for
  :data:`EXIT_DRAIN_SECONDS`: a leftover child holding a pipe must not stall the grader.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Protocol

from grader.adapters.inprocess import wire
from grader.adapters.run_reports import _Process, _Progress, apply
from grader.domain.exercise import Limits
from grader.domain.result import FlagKind, Outcome, Severity

GRACE_SECONDS = 1.0
EXIT_DRAIN_SECONDS = 0.2  # reading what pytest wrote just before it exited
LINGER_SECONDS = 1.0  # after its last report, the process must be gone by then
MAX_LINE = 64 * 1024
MAX_BAD_LINES = 200
POLL_SECONDS = 0.05


class Stop(Enum):
    """Why a process was killed."""

    LINGERING = "it did not exit after its last report"
    LOADING = "loading the tests and answers took too long"
    TEST = "a test ignored its time limit"
    TOTAL = "the total time limit was reached"


@dataclass
class Deadlines:
    """When a process must be stopped, and what stopping it costs; :meth:`check` decides."""

    per_test: float
    total_deadline: float  # monotonic
    loading_since: float | None  # monotonic; None once the first test started

    def check(
        self, now: float, process: _Process, progress: _Progress, exited: bool
    ) -> Stop | None:
        """Why the process must be killed now (what it cost is recorded), else None."""
        limit = self.per_test + GRACE_SECONDS
        lingering = process.done_at is not None and now - process.done_at > LINGER_SECONDS
        if lingering and not exited:
            progress.flag(
                FlagKind.LINGERING_PROCESS,
                "the test process did not exit after its last test (a thread or a child "
                "process kept it alive); it was stopped",
                Severity.INFO,
            )
            return Stop.LINGERING
        if self.loading_since is not None and now - self.loading_since > limit:
            message = (
                f"loading the tests and answers took longer than "
                f"{self.per_test:g} s (an endless loop at import?)"
            )
            progress.end_all(progress.pending(process.files), Outcome.TIMEOUT, message)
            return Stop.LOADING
        running = process.running
        if running and now - running[1] > limit:
            message = f"took longer than {self.per_test:g} s (stopped)"
            progress.record(running[0], Outcome.TIMEOUT, now - running[1], message)
            progress.flag(
                FlagKind.TIMEOUT_KILL,
                f"{running[0]} ignored its time limit; the test process was killed",
                Severity.INFO,
            )
            return Stop.TEST
        if now >= self.total_deadline:
            if running:
                message = "stopped at the total time limit"
                progress.record(running[0], Outcome.TIMEOUT, now - running[1], message)
            return Stop.TOTAL
        return None


class LineReader:
    """Report lines out of the pipe's chunks, each verified, in order."""

    def __init__(self, process: _Process, progress: _Progress) -> None:
        self._process = process
        self._progress = progress
        self._buffer = b""

    def feed(self, chunk: bytes) -> Iterator[dict[str, Any]]:
        """The genuine lines ``chunk`` completes (bad ones are flagged and skipped)."""
        *lines, self._buffer = (self._buffer + chunk).split(b"\n")
        if len(self._buffer) > MAX_LINE:
            self._buffer = b""
            self._process.bad_lines += 1
            self._progress.flag(FlagKind.TAMPERED, "the report pipe carried an overlong line")
        for line in lines:
            fields = self._process.verify(line, self._progress)
            if fields is not None:
                yield fields

    @property
    def flooded(self) -> bool:
        return self._process.bad_lines > MAX_BAD_LINES


class TestProcess(Protocol):
    """A running test process, however it was started (a fresh sandbox, a warm worker)."""

    @property
    def output_fd(self) -> int:
        """Where its standard output and error arrive."""
        ...

    def poll(self) -> int | None:
        """Its exit status once it has ended (negative: killed by that signal), else None."""
        ...

    def kill(self) -> None:
        """Kill it and every process it started, and reap them (a no-op once it ended)."""
        ...


@dataclass(frozen=True)
class Launch:
    """How to start one test process: pytest's arguments, its environment, what of the
    workspace it sees, its limits, and the report pipe's writing end and the settings
    pipe's reading end (the process finds them at ``wire.REPORT_FD`` and
    ``wire.SETTINGS_FD``)."""

    arguments: list[str]
    env: dict[str, str]
    view: Sequence[Path]
    limits: Limits
    fds: tuple[int, int]
    answers: list[str]  # the answer files' paths as the process sees them


class Place(Protocol):
    """Where one test process runs (a fresh sandbox, a warm worker's slot)."""

    @property
    def root(self) -> Path:
        """Where the process sees the workspace's root."""
        ...

    def start(self, launch: Launch) -> TestProcess: ...


class Spawned:
    """A test process of its own: a sandboxed ``Popen`` in a new session."""

    def __init__(self, popen: subprocess.Popen[bytes]) -> None:
        assert popen.stdout is not None, "started with stdout=PIPE"
        self.popen = popen
        self.output_fd = popen.stdout.fileno()

    def poll(self) -> int | None:
        return self.popen.poll()

    def kill(self) -> None:
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait()


def watch(
    popen: TestProcess,
    report_fd: int,
    limits: Limits,
    deadlines: Deadlines,
    process: _Process,
    progress: _Progress,
) -> None:
    """Read both pipes until they close, the process exits or a deadline passes."""
    selector = selectors.DefaultSelector()
    selector.register(report_fd, selectors.EVENT_READ, "report")
    selector.register(popen.output_fd, selectors.EVENT_READ, "output")
    reader = LineReader(process, progress)
    open_streams = {"report", "output"}
    exited: float | None = None
    killed_for: Stop | None = None
    while open_streams:
        now = time.monotonic()
        if popen.poll() is not None and exited is None:
            exited = now
        elif exited is not None and now - exited > EXIT_DRAIN_SECONDS:
            break
        killed_for = deadlines.check(now, process, progress, exited=exited is not None)
        if killed_for is not None:
            popen.kill()
            if killed_for is not Stop.LINGERING:
                return  # the tests it cost are scored already
            break
        for key, _ in selector.select(timeout=POLL_SECONDS):
            chunk = os.read(key.fd, 65536)
            if not chunk:
                selector.unregister(key.fd)
                open_streams.discard(key.data)
            elif key.data == "output":
                _keep_output(chunk, limits, progress)
            else:
                for fields in reader.feed(chunk):
                    if apply(fields, process, progress) is wire.Event.START:
                        deadlines.loading_since = None
                if reader.flooded and "report" in open_streams:
                    selector.unregister(report_fd)  # a flood of forgeries: stop listening
                    open_streams.discard("report")
    popen.kill()
    _post_mortem(popen.poll(), process, progress, killed=killed_for is not None)


def _keep_output(chunk: bytes, limits: Limits, progress: _Progress) -> None:
    room = limits.output_kb * 1024 - len(progress.output)
    progress.output += chunk[: max(room, 0)]
    progress.truncated |= len(chunk) > room


def _post_mortem(code: int | None, process: _Process, progress: _Progress, killed: bool) -> None:
    """What the end of a process that was not stopped for a test's sake means."""
    if process.running:  # the process died inside a test
        progress.record(
            process.running[0],
            Outcome.ERROR,
            time.monotonic() - process.running[1],
            f"the test process died while running this test (exit code {code})",
        )
    if process.done_at is not None or killed:
        return
    if code == 0:
        progress.flag(
            FlagKind.EARLY_EXIT,
            "the test process exited with status 0 before it had finished "
            "(os._exit or sys.exit in the answer?)",
        )
    else:
        status = "" if process.hidden else f" (exit status {code})"  # the answer's choice
        progress.flag(
            FlagKind.CRASHED,
            f"the test process ended before it had finished{status}",
            Severity.INFO,
        )
