"""Warm workers: what one run leaves never reaches the next, a dead or missing worker
costs no verdict, and the fixture course grades alike warm and cold."""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.adapters.reports import to_json
from grader.adapters.sandbox import bubblewrap_problem
from grader.adapters.warm_pool import WarmPool
from grader.application.batch import grade_safely
from grader.configuration import App, Course, build
from grader.domain.exercise import Exercise
from grader.domain.result import GradeResult
from grader.domain.submission import Submission
from tests.grader.support import FIXTURE, REFERENCE, comparable

ANSWER = "data/quality/rules.py"
PROBLEM = bubblewrap_problem()
pytestmark = pytest.mark.skipif(PROBLEM is not None, reason=f"no warm workers here: {PROBLEM}")
DOCSTRING = '    """How many values are None across all rows."""\n'


def _with(body: str, imports: str = "import os\n") -> str:
    """The reference answer, running ``body`` first in ``count_missing``."""
    return imports + REFERENCE.replace(DOCSTRING, DOCSTRING + body)


def _pool(app: App) -> WarmPool:
    pool = app.grader.runner.pool  # type: ignore[attr-defined]
    assert isinstance(pool, WarmPool)
    return pool


@pytest.fixture
def warm() -> Iterator[App]:
    wired = build(Course(FIXTURE))  # a pool of its own: these tests kill its workers
    yield wired
    wired.close()


def grade(app: App, answer: str, hidden: bool = True) -> GradeResult:
    """With ``hidden``, public and hidden tests run side by side, in two workers."""
    exercise: Exercise = app.exercises.get("rules")
    return grade_safely(app.grader, exercise, Submission("ada", {ANSWER: answer}, "t"), hidden)


def message(result: GradeResult, test: str = "test_no_rows_no_missing") -> str:
    return next(t.message for t in result.tests if t.id.endswith(test))


def test_a_file_left_in_tmp_is_gone_for_the_next_run(warm: App) -> None:
    plant = _with("    open('/tmp/planted', 'w').write('from an earlier learner')\n")
    look = _with(
        "    if not rows:\n"
        "        raise RuntimeError(f\"left over: {sorted(os.listdir('/tmp'))}\")\n"
    )

    grade(warm, plant, hidden=False)
    result = grade(warm, look, hidden=False)

    assert len(_pool(warm).slots) == 1  # both ran in the same worker
    assert "left over: [" in message(result)
    assert "planted" not in message(result)


def test_a_daemon_from_one_run_is_not_alive_in_the_next(warm: App) -> None:
    daemon = _with(
        "    if os.fork() == 0:\n"
        "        os.setsid()\n"
        "        import time\n"
        "        time.sleep(600)\n"
    )
    look = _with(
        "    if not rows:\n"
        "        others = [p for p in os.listdir('/proc') if p.isdigit() and int(p) > 1]\n"
        "        raise RuntimeError(f'processes: {len(others)}')\n"
    )

    grade(warm, daemon, hidden=False)
    result = grade(warm, look, hidden=False)

    assert "processes: 1" in message(result)  # the test process itself, nothing else


def test_a_worker_killed_from_outside_is_replaced_and_the_work_graded(warm: App) -> None:
    assert grade(warm, REFERENCE).full_marks
    killed = list(_pool(warm)._all)
    for worker in killed:
        os.killpg(worker.process.pid, signal.SIGKILL)
        worker.process.wait()

    result = grade(warm, REFERENCE)

    assert result.full_marks
    assert _pool(warm).slots
    assert not {w.slot for w in killed} & set(_pool(warm).slots)


def test_a_worker_outlives_the_thread_that_first_needed_it(warm: App) -> None:
    # bubblewrap's --die-with-parent follows the thread that started it
    first = threading.Thread(target=grade, args=(warm, REFERENCE, False))
    first.start()
    first.join()
    (slot,) = _pool(warm).slots
    time.sleep(0.3)

    result = grade(warm, REFERENCE, hidden=False)

    assert result.full_marks
    assert _pool(warm).slots == [slot]


def test_when_no_worker_can_start_the_work_is_graded_cold(
    caplog: pytest.LogCaptureFixture,
) -> None:
    wired = build(Course(FIXTURE))
    pool = _pool(wired)
    pool.python = "/nonexistent/python"  # the sandbox cannot start a worker with it
    try:
        with caplog.at_level(logging.WARNING, logger="grader.warm_pool"):
            first, second = grade(wired, REFERENCE), grade(wired, REFERENCE)
    finally:
        wired.close()

    assert first.full_marks
    assert second.full_marks
    assert pool.problem is not None
    assert sum("grading cold" in r.message for r in caplog.records) == 1


VARIANTS = {
    "reference": REFERENCE,
    "starter": None,
    "partial": REFERENCE.replace("return count_missing(rows) == 0", "return True"),
    "broken": REFERENCE + "\ndef broken(:\n",
    "raises at import": "raise RuntimeError('no')\n" + REFERENCE,
    "loops in a test": _with("    if not rows:\n        while True:\n            pass\n"),
    "exits": _with("    os._exit(0)\n"),
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_fixture_course_grades_alike_warm_and_cold(app: App, variant: str) -> None:
    cold = build(Course(FIXTURE), warm=False)
    exercise = app.exercises.get("rules")
    answer = VARIANTS[variant]
    answers = {ANSWER: answer} if answer is not None else {}
    submission = Submission("ada", answers, "t")
    try:
        warm_result = grade_safely(app.grader, exercise, submission, True)
        cold_result = grade_safely(cold.grader, exercise, submission, True)
    finally:
        cold.close()

    assert comparable(to_json(warm_result)) == comparable(to_json(cold_result))


def test_no_worker_or_slot_is_left_after_close(tmp_path: Path) -> None:
    wired = build(Course(FIXTURE), workspace_base=tmp_path)
    grade(wired, REFERENCE)
    pool = _pool(wired)
    workers = list(pool._all)

    wired.close()

    assert workers
    assert all(not w.alive for w in workers)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(("warm-", "slot-"))]
