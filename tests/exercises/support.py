"""Grading answer texts against the course's real exercises."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from grader.application.batch import grade_safely
from grader.configuration import App, Course, build
from grader.domain.result import GradeResult, Outcome
from grader.domain.submission import Submission

ROOT = Path(__file__).resolve().parents[2]


@cache
def app() -> App:
    return build(Course(ROOT))


def grade(exercise_id: str, answers: dict[str, str]) -> GradeResult:
    exercise = app().exercises.get(exercise_id)
    return grade_safely(app().grader, exercise, Submission("t", answers, "test"), True)


def failed(result: GradeResult) -> dict[str, Outcome]:
    """The tests that did not pass, by function name."""
    return {
        t.id.split("::")[-1]: t.outcome for t in result.tests if t.outcome is not Outcome.PASSED
    }


def message(result: GradeResult, test: str) -> str:
    return next(t.message for t in result.tests if t.id.endswith("::" + test))
