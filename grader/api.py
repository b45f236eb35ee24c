"""The grader's use cases as Python functions, for notebooks and scripts.

Each call wires the grader for the course (``course``, else ``$GRADER_COURSE``, else
the checkout this package lives in) and returns the typed result; nothing is printed.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

from grader.adapters.check_view import CheckView
from grader.adapters.manifest import reference_answers
from grader.adapters.output_folder import OutputFolder
from grader.application.batch import BatchOutcome, grade_safely, run_batch
from grader.application.validation import Finding, validate
from grader.configuration import App, build, locate_course
from grader.domain.result import GradeResult


def app(course: Path | None = None) -> App:
    return build(locate_course(course))


def check(exercise: str, workspace: Path, course: Path | None = None) -> GradeResult:
    """Public tests and boundary checks on the answer files in ``workspace``."""
    wired = app(course)
    chosen = wired.exercises.get(exercise)
    submission = wired.reader.read(workspace, [chosen], "you")
    return grade_safely(wired.grader, chosen, submission, include_hidden=False)


def check_view(
    wired: App,
    exercise_id: str,
    result: GradeResult,
    hints_shown: int = 0,
    here: Path | None = None,
) -> CheckView:
    """What ``check()`` shows beside ``result``: hints, the hidden tests' points, the next
    exercise. Links are relative to ``here`` (a notebook's folder) when it is inside the
    course; without ``here`` there are none (a terminal cannot follow them)."""
    exercise = wired.exercises.get(exercise_id)
    ids = wired.exercises.ids()
    following = ids[ids.index(exercise_id) + 1] if exercise_id in ids[:-1] else None
    prefix = ""
    if here is not None and here.resolve().is_relative_to(wired.course.root):
        prefix = Path(os.path.relpath(wired.course.root, here.resolve())).as_posix() + "/"
    notebook = wired.exercises.get(following).notebook if following else None
    return CheckView(
        hints_total=len(exercise.hints),
        hints_shown=hints_shown,
        hidden_points=max(exercise.points - result.max_score, Decimal(0)),
        next_exercise=following,
        link_prefix=prefix,
        next_link=f"{prefix}exercises/{following}/{notebook.name}"
        if prefix and following and notebook
        else "",
    )


def grade(
    exercise: str, submission: Path, learner: str = "learner", course: Path | None = None
) -> list[GradeResult]:
    """Public and hidden tests; ``exercise`` may be ``"all"``."""
    wired = app(course)
    chosen = wired.exercises.all() if exercise == "all" else [wired.exercises.get(exercise)]
    whole = wired.reader.read(submission, chosen, learner)
    return [grade_safely(wired.grader, e, whole, include_hidden=True) for e in chosen]


def batch(submissions: Path, out: Path, jobs: int = 2, course: Path | None = None) -> BatchOutcome:
    """Grade every learner in ``submissions`` into the output folder ``out``."""
    folder = OutputFolder(out)
    wired = build(locate_course(course), workspace_base=folder.work)
    exercises = wired.exercises.all()
    outcome = run_batch(
        submissions, exercises, wired.reader, wired.grader, jobs, folder.is_done, folder.save
    )
    folder.finish([e.id for e in exercises], outcome.graded)
    return outcome


def validate_course(course: Path | None = None) -> list[Finding]:
    wired = app(course)
    return validate(wired.exercises.ids(), wired.exercises.get, reference_answers, wired.grader)
