"""Shared fixtures for the grader's tests: the small fixture course, and ways to grade."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.application.batch import grade_safely
from grader.configuration import App, Course, build
from grader.domain.exercise import Exercise
from grader.domain.result import GradeResult
from tests.grader.support import FIXTURE, GradeFn


@pytest.fixture(scope="session")
def app() -> App:
    return build(Course(FIXTURE))


@pytest.fixture(scope="session")
def exercise(app: App) -> Exercise:
    return app.exercises.get("rules")


@pytest.fixture
def grade(app: App, exercise: Exercise, tmp_path: Path) -> GradeFn:
    """Grade an answer given as source text (None: hand in nothing)."""

    def run(
        source: str | None,
        *,
        hidden: bool = True,
        extra: dict[str, str] | None = None,
    ) -> GradeResult:
        folder = tmp_path / "submission"
        folder.mkdir(exist_ok=True)
        files = dict(extra or {})
        if source is not None:
            files["data/quality/rules.py"] = source
        for name, text in files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text)
        submission = app.reader.read(folder, [exercise], "ada")
        return grade_safely(app.grader, exercise, submission, hidden)

    return run
