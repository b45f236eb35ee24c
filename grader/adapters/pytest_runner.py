"""Runs an exercise's tests in separate, sandboxed pytest processes and reads their reports.

Behaviour choices, stated once:

* The test process gets the grader's own config (``-c``), no conftest, no plugin
  auto-loading, no cache, no bytecode writing, an isolated interpreter (``-I``) and a
  clean environment; its exit code is ignored. Outcomes come only from the report pipe.
* Public and hidden tests run in different processes, and each process sees only its
  own test files: learner code running next to the public tests (whose failure
  messages the learner is shown) cannot read the hidden ones.
* Each process gets a fresh secret key through a settings pipe its plugin reads and
  closes before any answer is imported. Every report line must carry the next
  sequence number and a valid HMAC; the last line must be ``done``. A line that fails,
  comes out of order or after ``done`` is ignored and marks the run as tampered.
* Every expected test must be reported exactly once, by the process that ran its file.
  A test reported twice, or one nobody expected, marks the run as tampered; a test
  never reported scores 0.
* When the answer's own code inspects frames or the heap, installs a trace function,
  rewrites code objects or uses ``ctypes`` (the plugin's audit hook says so), or the
  plugin reports that pytest's, the grader's or the course's code was altered, neither the test
  running at that moment nor any later test of that process is graded (error); each
  such event is also a review flag.
* An infinite loop costs that test and no more: the test process arms an alarm per
  test, and if learner code blocks it, the grader kills the process after the
  per-test limit plus a grace period, scores that test as a timeout, and starts a new
  process for the tests not yet run. The total time limit is enforced the same way.
* No path of the grading machine reaches a learner: in every message and flag, the
  workspace, its parent folder, the Python installation, the course checkout and the
  home folder are replaced by neutral names (``/workspace``, ``/python`` ...).
* Output is not captured by pytest (``-s``): it comes straight to the grader, which
  keeps the first ``limits.output_kb`` and reads and drops the rest, so a flood can
  neither fill a disk nor block the process. Learners never see it.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from grader.adapters.sandbox import Sandbox, View
from grader.application.ports import RunReport, RuntimeImports, TestRun, Workspace
from grader.domain.exercise import TESTS_FOLDER, Limits, TestSpec, function_id
from grader.domain.result import Flag, Outcome, Severity, ViolationInfo

GRACE_SECONDS = 1.0
EXIT_DRAIN_SECONDS = 0.2  # reading what pytest wrote just before it exited
LINGER_SECONDS = 1.0  # after its last report, the process must be gone by then
MAX_LINE = 64 * 1024
MAX_BAD_LINES = 200
MAX_RUNTIME_FLAGS = 20
OUTCOMES = {
    "passed": Outcome.PASSED,
    "failed": Outcome.FAILED,
    "error": Outcome.ERROR,
    "timeout": Outcome.TIMEOUT,
    "skipped": Outcome.FAILED,  # a skipped test earned nothing
}
# Full assertion diffs (never pytest's "Use -v to get more diff"); the plugin bounds them.
INI = """[pytest]
pythonpath = {packages}
verbosity_assertions = 2
markers =
    points(n): the points this test is worth
"""
RUNTIME_ADVICE = (
    "Reach the other domain through the shared kernel (an adapter, an event or a saga "
    "step) instead of importing it, however the module name is built."
)


@dataclass(frozen=True)
class RuntimeBoundary:
    """The domains the run-time import watch checks, and what to advise on a violation."""

    domains: tuple[str, ...] = ()
    advice: str = RUNTIME_ADVICE
    section: str = ""
    course: tuple[str, ...] = ()  # the monorepo's top-level packages: no answer may patch them


@dataclass
class _Progress:
    """What the reports of all the processes of one run have said so far."""

    expected: set[str]
    runs: dict[str, TestRun] = field(default_factory=dict)
    seen_nodes: set[str] = field(default_factory=set)
    flags: list[Flag] = field(default_factory=list)
    flagged: set[tuple[str, str]] = field(default_factory=set)
    output: bytearray = field(default_factory=bytearray)
    truncated: bool = False
    runtime_flags: int = 0
    watch_ran: bool = False
    watch_broken: str | None = None
    imports: dict[tuple[str, int | None, str], ViolationInfo] = field(default_factory=dict)
    measured: frozenset[str] = frozenset()  # answer files whose run lines are wanted
    lines: dict[str, set[int]] = field(default_factory=dict)

    def flag(
        self,
        kind: str,
        message: str,
        severity: Severity = Severity.REVIEW,
        file: str | None = None,
        line: int | None = None,
    ) -> None:
        if (kind, message) not in self.flagged:
            self.flagged.add((kind, message))
            self.flags.append(Flag(kind, message, severity, file, line))

    def record(
        self, node_id: str, outcome: Outcome, duration: float, message: str, graded: bool = True
    ) -> None:
        if node_id in self.seen_nodes:
            self.flag("tampered", f"{node_id} was reported twice")
            return
        self.seen_nodes.add(node_id)
        test = function_id(node_id)
        if test not in self.expected:
            self.flag("tampered", f"an unexpected test {node_id} was reported")
            return
        previous = self.runs.get(test)
        if previous is None or previous.outcome is Outcome.PASSED:
            total = duration + (previous.duration if previous else 0.0)
            case = case_id(node_id) if graded and outcome is not Outcome.PASSED else ""
            self.runs[test] = TestRun(outcome, total, message, case)  # a failing case decides

    def pending(self, files: set[str] | None = None) -> list[str]:
        left = self.expected - set(self.runs)
        if files is not None:
            left = {t for t in left if t.split("::", 1)[0] in files}
        return sorted(left)


@dataclass
class _Process:
    """One test process as the grader sees it: its key, and what its reports have said."""

    key: bytes
    files: set[str]
    per_test: float
    boundary: RuntimeBoundary
    hidden: bool = False  # runs hidden tests: no text the answer chose may leave it
    sequence: int = 0
    done_at: float | None = None
    bad_lines: int = 0
    running: tuple[str, float] | None = None  # node id, monotonic start
    poisoned: str | None = None  # why no later result of this process counts
    tainted: dict[str, str] = field(default_factory=dict)  # node id -> why it does not count

    def verify(self, line: bytes, progress: _Progress) -> dict[str, Any] | None:
        payload, _, mac = line.rpartition(b" ")
        expected = hmac.new(self.key, payload, hashlib.sha256).hexdigest().encode()
        if not payload or not hmac.compare_digest(mac, expected):
            self.bad_lines += 1
            progress.flag("tampered", "the report pipe carried a line the grader did not sign")
            return None
        try:
            event: dict[str, Any] = json.loads(payload)
        except ValueError:
            self.bad_lines += 1
            progress.flag("tampered", "the report pipe carried a malformed line")
            return None
        if event.get("seq") != self.sequence:
            self.bad_lines += 1
            progress.flag("tampered", "report lines arrived out of sequence (replayed or forged)")
            return None
        self.sequence += 1
        if self.done_at is not None:
            progress.flag("tampered", "a report line arrived after the test process finished")
            return None
        return event

    def invalid(self, node_id: str) -> str | None:
        return self.tainted.get(node_id) or self.poisoned


def host_paths(workspace: Workspace, hidden: Mapping[str, str] | None = None) -> dict[str, str]:
    """The grading machine's paths a learner must not see, and what to show instead."""
    parent = str(workspace.root.parent)  # a batch's output folder, or the temporary folder
    paths = {
        str(workspace.root): "/workspace",
        **({} if parent == tempfile.gettempdir() else {parent: "/workspaces"}),
        sys.prefix: "/python",
        sys.base_prefix: "/python",
        sys.exec_prefix: "/python",
        str(Path.home()): "/home",
        **(hidden or {}),
    }
    for path, neutral in list(paths.items()):
        paths.setdefault(os.path.realpath(path), neutral)
    return {p: n for p, n in paths.items() if len(p) > 1}


def redact(text: str, paths: Mapping[str, str]) -> str:
    """``text`` with every path of ``paths`` replaced by its neutral name, longest first."""
    for path in sorted(paths, key=len, reverse=True):
        text = text.replace(path, paths[path])
    return text


class PytestRunner:
    def __init__(
        self,
        sandbox: Sandbox,
        python: str = sys.executable,
        boundary: RuntimeBoundary | None = None,
        hidden_paths: Mapping[str, str] | None = None,
    ) -> None:
        """``hidden_paths`` are more paths to keep from learners (the course checkout)."""
        self.sandbox = sandbox
        self.python = python
        self.boundary = boundary or RuntimeBoundary()
        self.hidden_paths = dict(hidden_paths or {})

    def run(
        self,
        workspace: Workspace,
        specs: Sequence[TestSpec],
        limits: Limits,
        answer_files: Sequence[str] = (),
        measure: Sequence[str] = (),
    ) -> RunReport:
        progress = _Progress({s.id for s in specs}, measured=frozenset(measure))
        ini = workspace.root / TESTS_FOLDER / "pytest.ini"
        ini.write_text(INI.format(packages=workspace.packages), encoding="utf-8")
        deadline = time.monotonic() + limits.total_seconds
        answers = [str(workspace.packages / a) for a in answer_files]
        for hidden in (False, True):  # public and hidden tests never share a process
            group = [s for s in specs if s.hidden is hidden]
            if not group:
                continue
            folder = workspace.root / TESTS_FOLDER / ("hidden" if hidden else "public")
            files = {s.id.split("::", 1)[0] for s in group}
            targets = sorted(files)
            while targets and time.monotonic() < deadline:
                before = len(progress.runs)
                self._one_process(
                    workspace, ini, folder, hidden, targets, limits, deadline, progress, answers
                )
                pending = progress.pending(files)
                if not pending or len(progress.runs) == before:
                    break
                targets = pending  # a killed or crashed process: go on with the rest
        for test in progress.pending():
            over = time.monotonic() >= deadline
            reason = (
                f"not run: the tests hit the total time limit of {limits.total_seconds:g} s"
                if over
                else "never reported a result: the test process ended before running it"
            )
            progress.runs[test] = TestRun(Outcome.TIMEOUT if over else Outcome.MISSING, 0.0, reason)
        for violation in progress.imports.values():
            progress.flag(
                "runtime-import",
                f"{violation.file}:{violation.line}: {violation.message}",
                file=violation.file,
                line=violation.line,
            )
        if progress.truncated:
            progress.flag(
                "output-truncated", f"test output was cut at {limits.output_kb} KB", Severity.INFO
            )
        runtime = RuntimeImports(
            ran=progress.watch_ran,
            violations=tuple(progress.imports.values()),
            error=progress.watch_broken
            or (None if progress.watch_ran else "the test process never started its import watch"),
        )
        paths = host_paths(workspace, self.hidden_paths)
        return RunReport(
            {t: replace(r, message=redact(r.message, paths)) for t, r in progress.runs.items()},
            tuple(replace(f, message=redact(f.message, paths)) for f in progress.flags),
            progress.output.decode(errors="replace"),
            runtime,
            {path: tuple(sorted(lines)) for path, lines in progress.lines.items()},
        )

    def _command(self, ini: Path, workspace: Workspace, targets: list[str]) -> list[str]:
        return [
            *(self.python, "-I", "-B", "-m", "pytest", "-c", str(ini)),
            *("--rootdir", str(workspace.root)),
            *("-p", "grader.adapters.pytest_plugin", "-p", "no:cacheprovider", "--noconftest"),
            *("--import-mode=importlib", "-s", "-q", "--no-header", "-rN", "--color=no"),
            *targets,
        ]

    def _one_process(
        self,
        workspace: Workspace,
        ini: Path,
        folder: Path,
        hidden: bool,
        targets: list[str],
        limits: Limits,
        deadline: float,
        progress: _Progress,
        answers: list[str],
    ) -> None:
        key = secrets.token_bytes(32)
        read_end, write_end = os.pipe()
        settings_read, settings_write = os.pipe()
        settings = {
            "key": key.hex(),
            "report_fd": write_end,
            "per_test": limits.per_test_seconds,
            "packages": str(workspace.packages),
            "workspace": str(workspace.root),
            "answers": answers,
            "domains": list(self.boundary.domains),
            "course": list(self.boundary.course),
            "measure": [str(workspace.packages / m) for m in sorted(progress.measured)],
        }
        data = json.dumps(settings).encode()
        assert len(data) < 60_000, "the settings must fit in a pipe's buffer"
        os.write(settings_write, data)
        os.close(settings_write)
        env = {
            "PATH": os.path.dirname(self.python) + ":/usr/bin:/bin",
            "HOME": str(workspace.root),
            "LANG": "C.UTF-8",
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
            "GRADER_CONFIG_FD": str(settings_read),
        }
        shown = (workspace.packages, ini, folder) if folder.is_dir() else (workspace.packages, ini)
        view = View(shown, workspace.root)
        command = self.sandbox.wrap(self._command(ini, workspace, targets), view, limits)
        try:
            process = subprocess.Popen(
                command,
                cwd=workspace.root,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                pass_fds=(write_end, settings_read),
                start_new_session=True,
            )
        finally:
            os.close(write_end)
            os.close(settings_read)
        files = {t.split("::", 1)[0] for t in targets}
        watch = _Process(key, files, limits.per_test_seconds, self.boundary, hidden)
        try:
            self._watch(process, read_end, limits, deadline, progress, watch)
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
        watch: _Process,
    ) -> None:
        assert process.stdout is not None
        selector = selectors.DefaultSelector()
        selector.register(read_end, selectors.EVENT_READ, "report")
        selector.register(process.stdout.fileno(), selectors.EVENT_READ, "output")
        buffer = b""
        loading_since: float | None = time.monotonic()  # until the first test starts
        open_streams = {"report", "output"}
        exited: float | None = None
        killed = False
        while open_streams:
            now = time.monotonic()
            if process.poll() is not None and exited is None:
                exited = now
            elif exited is not None and now - exited > EXIT_DRAIN_SECONDS:
                break  # pytest is gone; a leftover child holding a pipe must not stall us
            if (
                watch.done_at is not None
                and exited is None
                and now - watch.done_at > LINGER_SECONDS
            ):
                _kill(process)
                killed = True
                progress.flag(
                    "lingering-process",
                    "the test process did not exit after its last test (a thread or a child "
                    "process kept it alive); it was stopped",
                    Severity.INFO,
                )
                break
            if loading_since and now - loading_since > limits.per_test_seconds + GRACE_SECONDS:
                _kill(process)
                message = (
                    f"loading the tests and answers took longer than "
                    f"{limits.per_test_seconds:g} s (an endless loop at import?)"
                )
                for test in progress.pending(watch.files):
                    progress.runs[test] = TestRun(Outcome.TIMEOUT, 0.0, message)
                return
            running = watch.running
            if running and now - running[1] > limits.per_test_seconds + GRACE_SECONDS:
                _kill(process)
                progress.record(
                    running[0],
                    Outcome.TIMEOUT,
                    now - running[1],
                    f"took longer than {limits.per_test_seconds:g} s (stopped)",
                )
                progress.flag(
                    "timeout-kill",
                    f"{running[0]} ignored its time limit; the test process was killed",
                    Severity.INFO,
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
                if len(buffer) > MAX_LINE:
                    buffer = b""
                    watch.bad_lines += 1
                    progress.flag("tampered", "the report pipe carried an overlong line")
                for line in lines:
                    event = watch.verify(line, progress)
                    if event is not None and _apply(event, watch, progress) == "start":
                        loading_since = None
                if watch.bad_lines > MAX_BAD_LINES and "report" in open_streams:
                    selector.unregister(read_end)  # a flood of forgeries: stop listening
                    open_streams.discard("report")
        _kill(process)
        if watch.running:  # the process died inside a test
            code = process.returncode
            progress.record(
                watch.running[0],
                Outcome.ERROR,
                time.monotonic() - watch.running[1],
                f"the test process died while running this test (exit code {code})",
            )
        if watch.done_at is None and not killed:
            code = process.returncode
            if code == 0:
                progress.flag(
                    "early-exit",
                    "the test process exited with status 0 before it had finished "
                    "(os._exit or sys.exit in the answer?)",
                )
            else:
                status = "" if watch.hidden else f" (exit status {code})"  # the answer's choice
                progress.flag(
                    "crashed",
                    f"the test process ended before it had finished{status}",
                    Severity.INFO,
                )


def _apply(event: dict[str, Any], watch: _Process, progress: _Progress) -> str:
    kind = str(event.get("event"))
    if kind == "ready":
        progress.watch_ran = True
    elif kind == "start":
        watch.running = (str(event.get("nodeid")), time.monotonic())
    elif kind == "result":
        node = str(event.get("nodeid"))
        watch.running = None
        if node.split("::", 1)[0] not in watch.files:
            progress.flag("tampered", f"a process reported {node}, which it was not running")
            return kind
        outcome = OUTCOMES.get(str(event.get("outcome")), Outcome.ERROR)
        message = str(event.get("message", ""))
        why = watch.invalid(node)
        if why:
            outcome, message = Outcome.ERROR, f"not graded: {why}"
        progress.record(node, outcome, float(event.get("duration", 0)), message, not why)
    elif kind == "collect_error":
        file = str(event.get("nodeid"))
        message = "the answer could not be imported: " + str(event.get("message", ""))
        for test in progress.pending(watch.files):
            if test.startswith(file + "::") or not file:
                progress.runs[test] = TestRun(Outcome.ERROR, 0.0, message)
    elif kind == "stopped":
        message = str(event.get("message", "the test run stopped"))
        for test in progress.pending(watch.files):
            progress.runs[test] = TestRun(Outcome.ERROR, 0.0, message)
    elif kind == "audit":
        _audit(event, watch, progress)
    elif kind == "runtime_import":
        file, line, target = str(event.get("file")), _int(event.get("line")), str(event["target"])
        importer = str(event.get("importer"))
        domain = str(event.get("domain", target))
        if watch.hidden:
            target = domain  # the rest of the name is the answer's choice: it stays inside
        key = (file, line, domain)
        known = progress.imports.get(key)
        if known is None or (
            len(target) > len(known.chain[-1]) and target.startswith(known.chain[-1])
        ):
            progress.imports[key] = ViolationInfo(  # the most precise module seen on that line
                file,
                line,
                f"{importer} imported {target} at run time",
                (importer, target),
                watch.boundary.advice,
                watch.boundary.section,
            )
    elif kind == "integrity":
        changed = [str(c) for c in event.get("changed", [])]
        listing = ", ".join(changed[:8])
        if watch.hidden:
            listing = f"{len(changed)} name(s), while the hidden tests ran"
        progress.flag(
            "tampered",
            f"code the answer does not own (the grader's or the course's) was changed in the "
            f"test process: {listing}",
        )
        why = f"the answer changed code it does not own ({listing})"
        _invalidate(watch, why)
        watch_parts = ("builtins.__import__", "importlib.import_module", "sys.meta_path")
        if any(c.startswith(watch_parts) or "_ImportWatch" in c for c in changed):
            progress.watch_broken = "the answer switched off the run-time import watch"
    elif kind == "lines" and not watch.hidden:
        for path, lines in dict(event.get("lines") or {}).items():
            if path in progress.measured:
                progress.lines.setdefault(path, set()).update(
                    n for n in lines if _int(n) is not None
                )
    elif kind == "done":
        watch.done_at = time.monotonic()
    return kind


def _audit(event: dict[str, Any], watch: _Process, progress: _Progress) -> None:
    file, line = str(event.get("file")), _int(event.get("line"))
    what = str(event.get("what"))
    if watch.hidden:  # a path or a name may carry the hidden tests' text: say only the call
        what = f"called {event.get('call')} (while the hidden tests ran)"
    if progress.runtime_flags < MAX_RUNTIME_FLAGS:
        progress.runtime_flags += 1
        progress.flag(
            "suspicious-call",
            f"{file}:{line}: at run time, the answer {what}",
            file=file,
            line=line,
        )
    if event.get("category") == "tamper":
        _invalidate(watch, f"the answer {what} ({file}:{line})")


def _invalidate(watch: _Process, why: str) -> None:
    """Neither the test running now nor any later one of this process counts."""
    if watch.poisoned is None:
        if watch.running is not None:
            watch.tainted.setdefault(watch.running[0], why)
        watch.poisoned = why


def case_id(node_id: str) -> str:
    """``test_x[prepare_data]`` -> ``prepare_data``: the id of a parametrized case."""
    inner = node_id.split("::")[-1]
    return inner.split("[", 1)[1].removesuffix("]")[:120] if "[" in inner else ""


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _kill(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    process.wait()
