"""The grader's use cases, each assembled here and only here.

The command line, the notebook helpers and scripts call these functions; none of them
wires adapters itself. Behaviour choices, stated once:

* A course's grader is wired once per process and kept (:func:`app`): a notebook's
  second ``check()`` reuses it, warm test workers included. :func:`close` (also run at
  exit) stops what it keeps.
* A batch wires a grader of its own (:func:`batch`): its workspaces live in its output
  folder, and its feedback pages carry each exercise's hints and explanations. With a
  cluster, each Dask worker wires its own instead (:func:`worker_grader`).
* Nothing here prints; each function returns typed results.
"""

from __future__ import annotations

import atexit
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from grader.adapters.audit_files import audit_marks
from grader.adapters.check_view import CheckView
from grader.adapters.fingerprint import course_fingerprint
from grader.adapters.gradebook import NbgraderGradebook
from grader.adapters.manifest import explanations, reference_answers
from grader.adapters.output_folder import OutputFolder
from grader.application.audit import audit_all
from grader.application.batch import BatchOutcome, GradingThreads, grade_safely, run_batch
from grader.application.ports import GradingPool
from grader.application.validation import Finding, validate
from grader.configuration import App, Course, build, locate_course
from grader.domain.audit import ExerciseAudit
from grader.domain.exercise import Exercise
from grader.domain.result import GradeResult
from grader.errors import ClusterError, GraderError

_apps: dict[Path, App] = {}


def app(course: Path | None = None) -> App:
    """The grader wired for ``course`` (else ``$GRADER_COURSE``, else this checkout),
    built on first use and kept for the life of the process."""
    located = locate_course(course)
    if located.root not in _apps:
        _apps[located.root] = build(located)
    return _apps[located.root]


@atexit.register
def close() -> None:
    """Stop what the kept graders hold (warm test workers); the next call wires anew."""
    while _apps:
        _, wired = _apps.popitem()
        wired.close()


def exercises(wired: App, which: str | Sequence[str] | None = "all") -> list[Exercise]:
    """``"all"`` (or None), one exercise id, or a list of ids."""
    if which is None or which == "all":
        return wired.exercises.all()
    ids = [which] if isinstance(which, str) else list(which)
    return [wired.exercises.get(i) for i in ids]


@dataclass(frozen=True)
class Checked:
    """A learner's check: the result and what to show beside it."""

    result: GradeResult
    view: CheckView


def check(exercise: str, workspace: Path, course: Path | None = None) -> GradeResult:
    """Public tests and boundary checks on the answer files in ``workspace``."""
    return checked(app(course), exercise, workspace).result


def checked(
    wired: App, exercise_id: str, workspace: Path, hints_shown: int = 0, here: Path | None = None
) -> Checked:
    """:func:`check` with its view (see :func:`check_view`), on a grader already wired."""
    chosen = wired.exercises.get(exercise_id)
    submission = wired.reader.read(workspace, [chosen], "you")
    result = grade_safely(wired.grader, chosen, submission, include_hidden=False)
    return Checked(result, check_view(wired, exercise_id, result, hints_shown, here))


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
    chosen = exercises(wired, exercise)
    whole = wired.reader.read(submission, chosen, learner)
    return [grade_safely(wired.grader, e, whole, include_hidden=True) for e in chosen]


def feedback(exercise: Exercise) -> tuple[tuple[str, ...], str]:
    """What a feedback page adds to a result: the hints and the explanations."""
    return exercise.hints, explanations(exercise)


@dataclass
class BatchReport:
    outcome: BatchOutcome
    summary: dict[str, Any] = field(default_factory=dict)


def batch(
    submissions: Path,
    out: Path,
    jobs: int = 2,
    course: Path | None = None,
    exercise_ids: Sequence[str] | None = None,
    gradebook: str | None = None,
    progress: Callable[[], None] = lambda: None,
    warm: bool | None = None,
    cluster: str | None = None,
) -> BatchReport:
    """Grade every learner in ``submissions`` into the output folder ``out`` (re-use it
    to resume); with ``gradebook`` (a URL), scores go to that nbgrader gradebook too.
    ``warm=False`` starts a fresh sandboxed process per test run instead of using warm
    workers (see :func:`grader.configuration.build`). With ``cluster`` (a Dask
    scheduler's address), the workers there grade and ``jobs`` is theirs to decide; the
    output folder, resume and gradebook stay here."""
    if not submissions.is_dir():
        raise GraderError(f"{submissions} is not a folder of submissions")
    located = locate_course(course)
    kept = app(course)
    chosen = exercises(kept, exercise_ids)
    folder = OutputFolder(
        out, {e.id: e.hints for e in chosen}, {e.id: explanations(e) for e in chosen}
    )
    by_id = {e.id: e for e in chosen}
    book = NbgraderGradebook(gradebook) if gradebook else None

    def save(result: GradeResult) -> None:
        folder.save(result)
        if book is not None:
            book.record(by_id[result.exercise], result)

    if cluster is None:
        wired = build(located, workspace_base=folder.work, warm=warm)
        pool: GradingPool = GradingThreads(wired.grader, jobs)
        stops = [pool.close, wired.close]
    else:
        pool = cluster_pool(cluster, located)
        stops = [pool.close]
    try:
        outcome = run_batch(submissions, chosen, kept.reader, pool, folder.is_done, save, progress)
    finally:
        for stop in stops:
            stop()
    return BatchReport(outcome, folder.finish([e.id for e in chosen], outcome.graded))


def cluster_pool(address: str, course: Course) -> GradingPool:
    """The Dask cluster at ``address`` as a grading pool for ``course``; Dask is
    imported here, on this path only."""
    try:
        from grader.adapters import dask_cluster
    except ModuleNotFoundError as error:
        raise ClusterError(
            f"--cluster needs Dask, and {error.name} is not installed here: install the "
            "cluster extra: pip install '.[cluster]'"
        ) from None
    return dask_cluster.connect(address, course_fingerprint(course.root), worker_grader)


def worker_grader() -> tuple[App, str]:
    """What each Dask worker wires and keeps: the grader for its own course checkout
    (``$GRADER_COURSE``, else the checkout this grader lives in), and its fingerprint."""
    course = locate_course()
    return build(course), course_fingerprint(course.root)


def validate_course(course: Path | None = None, which: str = "all") -> list[Finding]:
    """Each exercise's reference answers, starter and statements, checked."""
    wired = app(course)
    ids = wired.exercises.ids() if which == "all" else [which]
    return validate(ids, wired.exercises.get, reference_answers, wired.grader)


def audit(
    which: str = "all",
    jobs: int = 2,
    sample: int | None = None,
    progress: Callable[[], None] = lambda: None,
    course: Path | None = None,
) -> list[ExerciseAudit]:
    """Mutation testing of each exercise's tests: see :mod:`grader.application.audit`."""
    if sample is not None and sample < 1:
        raise GraderError("--sample must be a positive number of mutants")
    wired = app(course)
    chosen = exercises(wired, which)
    return audit_all(chosen, reference_answers, audit_marks, wired.grader, jobs, sample, progress)
