"""Warm workers and fresh processes give the same verdicts, answer by answer.

Every answer these tests hold for the course's exercises (each reference answer, each
starter, every correct alternative and every wrong answer of ``test_0*.py``) is graded
on both paths: the results must be equal in everything but durations. The warm results
come from :func:`tests.exercises.support.grade` when another test graded that answer
already in this session.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from grader.adapters.manifest import reference_answers
from grader.adapters.reports import to_json
from grader.adapters.sandbox import bubblewrap_problem
from grader.application.batch import grade_safely
from grader.configuration import App, Course, build
from grader.domain.result import GradeResult
from grader.domain.submission import Submission
from tests.exercises import support
from tests.grader.support import comparable as support_comparable
from tests.grader.support import differences

MODULES = {
    "00-fix-the-violation": "test_00_fix_the_violation",
    "01-adapter": "test_01_adapter",
    "02-events": "test_02_events",
    "03-saga": "test_03_saga",
    "04-secure-calls": "test_04_secure_calls",
    "05-knowledge-check": "test_05_knowledge_check",
    "06-capstone": "test_06_capstone",
}
PROBLEM = bubblewrap_problem()
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(PROBLEM is not None, reason=f"no warm workers here: {PROBLEM}"),
]


def comparable(result: GradeResult) -> Any:
    return support_comparable(to_json(result))


def answers_of(exercise_id: str) -> Iterator[tuple[str, dict[str, str]]]:
    exercise = support.app().exercises.get(exercise_id)
    yield "reference", dict(reference_answers(exercise) or {})
    yield "starter", {}
    module = importlib.import_module(f"tests.exercises.{MODULES[exercise_id]}")
    path = getattr(module, "PATH", None)
    for group in ("CORRECT", "WRONG"):
        for name, value in getattr(module, group, {}).items():
            answer = value[0] if isinstance(value, tuple) else value
            yield f"{group.lower()}: {name}", answer if isinstance(answer, dict) else {path: answer}


@pytest.fixture(scope="module")
def cold() -> Iterator[App]:
    wired = build(Course(support.ROOT), warm=False)
    yield wired
    wired.close()


@pytest.mark.parametrize("exercise_id", MODULES)
def test_every_answer_gets_the_same_result_warm_and_cold(exercise_id: str, cold: App) -> None:
    exercise = cold.exercises.get(exercise_id)
    cases = list(answers_of(exercise_id))

    def both(answers: dict[str, str]) -> tuple[Any, Any]:
        submission = Submission("t", answers, "test")
        warm = support.graded(exercise_id, answers)
        return comparable(warm), comparable(grade_safely(cold.grader, exercise, submission, True))

    with ThreadPoolExecutor(max_workers=2) as pool:
        pairs = list(pool.map(lambda case: both(case[1]), cases))

    differing = [
        name for (name, _), (warm, cold_) in zip(cases, pairs, strict=True) if warm != cold_
    ]
    assert not differing, f"{exercise_id}: warm and cold disagree on {differing}"
    assert len(cases) >= 2
