"""The runner's pieces that need no test process: settings, deadlines, line framing."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest

from grader.adapters.inprocess import wire
from grader.adapters.pytest_runner import PytestRunner
from grader.adapters.run_reports import RuntimeBoundary, _Process, _Progress
from grader.adapters.run_watch import GRACE_SECONDS, MAX_LINE, Deadlines, LineReader, Stop
from grader.adapters.sandbox import View
from grader.application.ports import Workspace
from grader.domain.exercise import TESTS_FOLDER, Limits
from grader.domain.exercise import TestSpec as Spec
from grader.domain.result import Outcome
from grader.errors import GraderError, SettingsTooLarge

KEY = b"k" * 32


class _NoSandbox:
    def wrap(self, command: list[str], view: View, limits: Limits) -> list[str]:
        raise AssertionError("no process may start")

    def describe(self) -> str:
        return "none: no process may start"


def test_settings_too_large_for_a_pipe_are_one_sentence_not_a_hang(tmp_path: Path) -> None:
    (tmp_path / TESTS_FOLDER).mkdir()
    workspace = Workspace(tmp_path, tmp_path / "src" / "packages", ())
    spec = Spec("grader_tests/public/test_x.py::test_a", "A", Decimal(1), False)
    answers = [f"data/{'x' * 200}_{n}.py" for n in range(400)]
    before = set(os.listdir("/proc/self/fd"))

    with pytest.raises(SettingsTooLarge) as raised:
        PytestRunner(_NoSandbox()).run(workspace, [spec], Limits(), answers)

    assert isinstance(raised.value, GraderError)
    assert "more than the 60000 a pipe holds" in str(raised.value)
    assert set(os.listdir("/proc/self/fd")) <= before  # every pipe closed again


def _process(progress: _Progress) -> tuple[_Process, Deadlines]:
    process = _Process(KEY, {"t.py"}, RuntimeBoundary())
    return process, Deadlines(per_test=1.0, total_deadline=100.0, loading_since=0.0)


def test_loading_too_long_times_out_every_test_of_the_process() -> None:
    progress = _Progress({"t.py::a", "t.py::b", "u.py::c"})
    process, deadlines = _process(progress)

    assert deadlines.check(1.0 + GRACE_SECONDS / 2, process, progress, exited=False) is None
    assert deadlines.check(2.5, process, progress, exited=False) is Stop.LOADING
    assert {t: r.outcome for t, r in progress.runs.items()} == {
        "t.py::a": Outcome.TIMEOUT,
        "t.py::b": Outcome.TIMEOUT,
    }


def test_a_test_ignoring_its_alarm_costs_that_test_only() -> None:
    progress = _Progress({"t.py::a", "t.py::b"})
    process, deadlines = _process(progress)
    deadlines.loading_since = None
    process.running = ("t.py::a", 10.0)

    assert deadlines.check(12.5, process, progress, exited=False) is Stop.TEST
    assert list(progress.runs) == ["t.py::a"]
    assert progress.runs["t.py::a"].outcome is Outcome.TIMEOUT
    assert [f.kind for f in progress.flags] == ["timeout-kill"]


def test_a_process_that_lingers_after_done_is_stopped_unless_it_exited() -> None:
    progress = _Progress({"t.py::a"})
    process, deadlines = _process(progress)
    deadlines.loading_since = None
    process.done_at = 5.0

    assert deadlines.check(7.0, process, progress, exited=True) is None
    assert deadlines.check(7.0, process, progress, exited=False) is Stop.LINGERING
    assert deadlines.check(100.0, process, progress, exited=True) is Stop.TOTAL


def test_the_line_reader_frames_verifies_and_drops_overlong_lines() -> None:
    progress = _Progress({"t.py::a"})
    process, _ = _process(progress)
    reader = LineReader(process, progress)
    first = wire.signer(KEY)({"event": wire.Event.READY}, 0)
    second = wire.signer(KEY)({"event": wire.Event.START, "nodeid": "t.py::a"}, 1)

    assert list(reader.feed(first[:10])) == []
    assert [f["event"] for f in reader.feed(first[10:] + second)] == ["ready", "start"]
    assert list(reader.feed(b"x" * (MAX_LINE + 1))) == []
    assert [f.message for f in progress.flags] == ["the report pipe carried an overlong line"]
    assert not reader.flooded
