"""Runs an exercise's tests in separate, sandboxed pytest processes and reads their reports.

Behaviour choices, stated once:

* The test process gets the grader's own config (``-c``), no conftest, no plugin
  auto-loading, no cache, no bytecode writing, an isolated interpreter (``-I``) and a
  clean environment; its exit code is ignored. Outcomes come only from the report pipe.
* Public and hidden tests run in different processes, side by side, and each process
  sees only its own test files: learner code running next to the public tests (whose
  failure messages the learner is shown) cannot read the hidden ones. Their reports are
  merged in that order (public first), whatever order they came in.
* Each process runs where a :class:`~grader.adapters.run_watch.Place` says: a warm
  worker's slot when the runner has a pool with a worker to give
  (:mod:`grader.adapters.warm_pool`), else a fresh sandboxed process. Either way it
  finds its report pipe and its settings at the same file descriptors.
* Each process gets a fresh secret key and its settings (:class:`~.inprocess.wire.Settings`)
  through a pipe its plugin reads and closes before any answer is imported. Settings
  that a pipe cannot hold are refused (:class:`~grader.errors.SettingsTooLarge`), since
  the grader writes them before the process starts reading.
* What a report line means, and when a run counts as tampered with:
  :mod:`grader.adapters.run_reports`. Deadlines, kills and the pipes:
  :mod:`grader.adapters.run_watch`. An infinite loop costs that test and no more: the
  grader kills the process and starts a new one for the tests not yet run.
* No path of the grading machine reaches a learner: in every message and flag, the
  workspace, its parent folder, the Python installation, the course checkout and the
  home folder are replaced by neutral names (``/workspace``, ``/python`` ...).
* Output is not captured by pytest (``-s``): it comes straight to the grader, which
  keeps the first ``limits.output_kb`` and reads and drops the rest, so a flood can
  neither fill a disk nor block the process. Learners never see it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from grader.adapters.inprocess import wire
from grader.adapters.run_reports import RUNTIME_ADVICE, RuntimeBoundary, _Process, _Progress
from grader.adapters.run_watch import Deadlines, Launch, Place, Spawned, TestProcess, watch
from grader.adapters.sandbox import Sandbox, View
from grader.adapters.warm_pool import WarmPlace, WarmPool
from grader.application.ports import RunReport, RuntimeImports, TestRun, Workspace
from grader.domain.exercise import TESTS_FOLDER, Limits, TestSpec
from grader.domain.result import FlagKind, Outcome, Severity
from grader.errors import SettingsTooLarge, WorkerUnavailable

__all__ = ["RUNTIME_ADVICE", "PytestRunner", "RuntimeBoundary", "host_paths", "redact"]

PLUGIN = "grader.adapters.inprocess.plugin"
BASH = shutil.which("bash") or "/bin/bash"  # moves the pipes (dash takes one-digit fds only)
MAX_SETTINGS_BYTES = 60_000  # below a pipe's buffer (64 KiB): written before the process reads
# Full assertion diffs (never pytest's "Use -v to get more diff"); the plugin bounds them.
INI = """[pytest]
pythonpath = {packages}
verbosity_assertions = 2
markers =
    points(n): the points this test is worth
"""


@dataclass(frozen=True)
class _Batch:
    """What one test process is asked to do: which tests, seen from where, within what."""

    workspace: Workspace
    folder: Path  # the public or hidden tests' folder
    hidden: bool
    targets: list[str]  # test files or node ids
    limits: Limits
    deadline: float  # monotonic: the whole run's end
    answers: list[str]  # the answer files, relative to the packages

    @property
    def files(self) -> set[str]:
        return {t.split("::", 1)[0] for t in self.targets}


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
        pool: WarmPool | None = None,
    ) -> None:
        """``hidden_paths`` are more paths to keep from learners (the course checkout);
        with a ``pool``, test processes run in its warm workers where they can start."""
        self.pool = pool
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
        deadline = time.monotonic() + limits.total_seconds
        groups = [[s for s in specs if s.hidden is hidden] for hidden in (False, True)]
        groups = [g for g in groups if g]  # public and hidden tests never share a process

        def run_group(group: list[TestSpec]) -> tuple[_Progress, set[Path]]:
            progress = _Progress({s.id for s in group}, measured=frozenset(measure))
            where = self._group(workspace, group, limits, deadline, answer_files, progress)
            return progress, where

        if len(groups) > 1:  # side by side: each is a process of its own anyway
            with ThreadPoolExecutor(len(groups), thread_name_prefix="tests") as threads:
                done = list(threads.map(run_group, groups))
        else:
            done = [run_group(g) for g in groups]
        progress = _Progress(set(), measured=frozenset(measure))
        seen_from: set[Path] = set()  # where the processes saw the workspace
        for group_progress, where in done:
            progress.absorb(group_progress, limits.output_kb)
            seen_from |= where
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
                FlagKind.RUNTIME_IMPORT,
                f"{violation.file}:{violation.line}: {violation.message}",
                file=violation.file,
                line=violation.line,
            )
        if progress.truncated:
            progress.flag(
                FlagKind.OUTPUT_TRUNCATED,
                f"test output was cut at {limits.output_kb} KB",
                Severity.INFO,
            )
        runtime = RuntimeImports(
            ran=progress.watch_ran,
            violations=tuple(progress.imports.values()),
            error=progress.watch_broken
            or (None if progress.watch_ran else "the test process never started its import watch"),
        )
        paths = host_paths(workspace, self.hidden_paths)
        for root in seen_from - {workspace.root}:  # a warm worker's slot
            paths |= {str(root): "/workspace", str(root.parent): "/workspaces"}
        return RunReport(
            {t: replace(r, message=redact(r.message, paths)) for t, r in progress.runs.items()},
            tuple(replace(f, message=redact(f.message, paths)) for f in progress.flags),
            progress.output.decode(errors="replace"),
            runtime,
            {path: tuple(sorted(lines)) for path, lines in progress.lines.items()},
        )

    def _group(
        self,
        workspace: Workspace,
        group: list[TestSpec],
        limits: Limits,
        deadline: float,
        answer_files: Sequence[str],
        progress: _Progress,
    ) -> set[Path]:
        """Run the public or the hidden tests, a new process after each one that was
        killed or crashed; returns where the processes saw the workspace."""
        hidden = group[0].hidden
        folder = workspace.root / TESTS_FOLDER / ("hidden" if hidden else "public")
        files = {s.id.split("::", 1)[0] for s in group}
        # Node ids, not files: only the expected tests run (a drawn subset of a file).
        targets = sorted(s.id for s in group)
        seen_from: set[Path] = set()
        while targets and time.monotonic() < deadline:
            before = len(progress.runs)
            batch = _Batch(workspace, folder, hidden, targets, limits, deadline, list(answer_files))
            seen_from.add(self._one_process(batch, progress))
            pending = progress.pending(files)
            if not pending or len(progress.runs) == before:
                break
            targets = pending  # a killed or crashed process: go on with the rest
        return seen_from

    def _arguments(self, ini: Path, root: Path, targets: list[str]) -> list[str]:
        return [
            *("-c", str(ini), "--rootdir", str(root)),
            *("-p", PLUGIN, "-p", "no:cacheprovider", "--noconftest"),
            *("--import-mode=importlib", "-s", "-q", "--no-header", "-rN", "--color=no"),
            *targets,
        ]

    def _settings(self, batch: _Batch, root: Path, key: bytes, progress: _Progress) -> bytes:
        """The plugin's settings, encoded; :class:`SettingsTooLarge` when a pipe cannot hold
        them (the grader writes them all before the process starts reading)."""
        workspace = batch.workspace
        packages = root / workspace.packages.relative_to(workspace.root)
        settings: wire.Settings = {
            "key": key.hex(),
            "report_fd": wire.REPORT_FD,
            "per_test": batch.limits.per_test_seconds,
            "packages": str(packages),
            "workspace": str(root),
            "answers": [str(packages / a) for a in batch.answers],
            "domains": list(self.boundary.domains),
            "course": list(self.boundary.course),
            "measure": [str(packages / m) for m in sorted(progress.measured)],
        }
        data = json.dumps(settings).encode()
        if len(data) >= MAX_SETTINGS_BYTES:
            raise SettingsTooLarge(len(data), MAX_SETTINGS_BYTES)
        return data

    @contextlib.contextmanager
    def _place(self, workspace: Workspace, tests: Sequence[Path]) -> Iterator[Place]:
        """Where this process runs: a warm worker when the pool has one, else cold."""
        if self.pool is not None:
            try:
                with self.pool.worker() as worker, worker.staged(workspace, tests) as root:
                    yield WarmPlace(worker, root)
                    return
            except WorkerUnavailable:
                pass  # said once by the pool; this run is graded cold
        yield ColdPlace(self.sandbox, self.python, workspace.root)

    def _one_process(self, batch: _Batch, progress: _Progress) -> Path:
        """Run ``batch`` in one test process; returns where it saw the workspace."""
        workspace = batch.workspace
        tests = [batch.folder] if batch.folder.is_dir() else []
        shown = [workspace.packages, *tests]
        with self._place(workspace, tests) as place:
            packages = place.root / workspace.packages.relative_to(workspace.root)
            ini = place.root / TESTS_FOLDER / f"pytest-{batch.folder.name}.ini"  # one per group
            ini.parent.mkdir(parents=True, exist_ok=True)
            ini.write_text(INI.format(packages=packages), encoding="utf-8")
            view = (*(place.root / p.relative_to(workspace.root) for p in shown), ini)
            key = secrets.token_bytes(32)
            read_end, write_end = os.pipe()
            settings_read, settings_write = os.pipe()
            try:
                os.write(settings_write, self._settings(batch, place.root, key, progress))
                env = {
                    "PATH": os.path.dirname(self.python) + ":/usr/bin:/bin",
                    "HOME": str(place.root),
                    "LANG": "C.UTF-8",
                    "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
                }
                arguments = self._arguments(ini, place.root, batch.targets)
                answers = [str(packages / a) for a in batch.answers]
                fds = (write_end, settings_read)
                child = place.start(Launch(arguments, env, view, batch.limits, fds, answers))
            except BaseException:
                os.close(read_end)
                raise
            finally:
                for fd in (write_end, settings_read, settings_write):
                    os.close(fd)
            process = _Process(key, batch.files, self.boundary, batch.hidden)
            deadlines = Deadlines(batch.limits.per_test_seconds, batch.deadline, time.monotonic())
            try:
                watch(child, read_end, batch.limits, deadlines, process, progress)
            finally:
                child.kill()
                os.close(read_end)
            return place.root


@dataclass(frozen=True)
class ColdPlace:
    """A fresh sandboxed Python process for this test run alone."""

    sandbox: Sandbox
    python: str
    root: Path

    def start(self, launch: Launch) -> TestProcess:
        # Above the fixed numbers, so that bash's moves cannot collide with them.
        report, settings = (fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in launch.fds)
        moves = (
            f'exec "$@" {wire.REPORT_FD}>&{report} {wire.SETTINGS_FD}<&{settings} '
            f"{report}>&- {settings}<&-"
        )
        command = [BASH, "-c", moves, "bash", self.python, "-I", "-B", "-m", "pytest"]
        view = View(tuple(launch.view), self.root)
        wrapped = self.sandbox.wrap([*command, *launch.arguments], view, launch.limits)
        try:
            popen = subprocess.Popen(
                wrapped,
                cwd=self.root,
                env={**launch.env, wire.CONFIG_FD_ENV: str(wire.SETTINGS_FD)},
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                pass_fds=(report, settings),
                start_new_session=True,
            )
        finally:
            os.close(report)
            os.close(settings)
        return Spawned(popen)
