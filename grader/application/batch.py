"""Grade a whole class: every learner, every exercise, in parallel, resumable.

Behaviour choices, stated once:

* A learner is an entry of the submissions folder: a sub-folder, a ``.zip`` or a
  ``.ipynb`` (the name without suffix is the learner's id). Hidden entries and
  symbolic links are skipped.
* Entries whose ids differ only in case, separators, invisible or look-alike characters
  (``Ada``, ``ada``, ``a-da``; a folder ``ada/`` beside ``ada.zip``) are refused, every
  one of them, with a sentence saying why: grading them would let one overwrite the
  other's results, feedback or gradebook row.
* Each (learner, exercise) result is saved as soon as it is ready, so a re-run after
  an interruption skips what is done, unless that learner's answers changed since.
* Work that cannot be graded at all (an unreadable submission, a grader failure) gets
  a result of 0 that says why and asks for review; it never stops the batch.
* Where the gradings run is a :class:`~grader.application.ports.GradingPool`: threads
  here (:class:`GradingThreads`), or a Dask cluster's workers. Reading submissions,
  skipping what is done, saving and progress stay in this process either way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from grader.application.grading import Grader
from grader.application.ports import GradingPool, SubmissionReader
from grader.domain.exercise import Exercise
from grader.domain.result import Flag, FlagKind, GradeResult, Severity
from grader.domain.submission import Submission, learner_key
from grader.errors import GraderError

SUFFIXES = (".zip", ".ipynb")


@dataclass
class BatchOutcome:
    graded: list[GradeResult] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (learner, exercise)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (entry name, why)


def learners(folder: Path) -> list[tuple[str, Path]]:
    """The learners in a submissions folder, sorted by id."""
    found = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith((".", "_")) or entry.is_symlink():
            continue
        if entry.is_dir():
            found.append((entry.name, entry))
        elif entry.suffix in SUFFIXES:
            found.append((entry.stem, entry))
    return found


def distinct_learners(folder: Path) -> tuple[list[tuple[str, Path]], list[tuple[str, str]]]:
    """The learners whose ids cannot be confused, and (entry, why) for those refused."""
    groups: dict[str, list[tuple[str, Path]]] = {}
    for learner, path in learners(folder):
        groups.setdefault(learner_key(learner), []).append((learner, path))
    kept: list[tuple[str, Path]] = []
    refused: list[tuple[str, str]] = []
    for group in groups.values():
        if len(group) == 1:
            kept += group
            continue
        names = " and ".join(repr(path.name) for _, path in group)
        why = (
            f"{names} name learners a file system or a reader cannot tell apart (they differ "
            "only in case, separators, invisible or look-alike characters); rename all but "
            "one and grade again"
        )
        refused += [(path.name, why) for _, path in group]
    return sorted(kept), sorted(refused)


def for_exercise(submission: Submission, exercise: Exercise) -> Submission:
    """The submission as one exercise sees it (so its fingerprint is that exercise's)."""
    answers = {p: t for p, t in submission.answers.items() if p in exercise.answer_files}
    return Submission(
        submission.learner, answers, submission.source, submission.ignored, submission.problems
    )


def grade_safely(
    grader: Grader, exercise: Exercise, submission: Submission, include_hidden: bool
) -> GradeResult:
    """Grade, or explain in a zero result why grading failed."""
    try:
        return grader.grade(exercise, submission, include_hidden=include_hidden)
    except Exception as error:  # one broken job must not stop a class's batch
        return not_graded(exercise, submission, error, include_hidden, grader.environment)


def not_graded(
    exercise: Exercise,
    submission: Submission,
    error: BaseException,
    include_hidden: bool = True,
    environment: dict[str, str] | None = None,
) -> GradeResult:
    """A zero result that says why the work could not be graded, and asks for review."""
    reason = f"could not be graded: {type(error).__name__}: {error}"
    return GradeResult(
        exercise=exercise.id,
        learner=submission.learner,
        score=Decimal(0),
        max_score=exercise.points,
        tests=(),
        contracts=(),
        flags=(Flag(FlagKind.GRADER_ERROR, reason, Severity.REVIEW),),
        summary=reason + ".",
        hidden_included=include_hidden,
        fingerprint=submission.fingerprint(),
        environment=environment or {},
    )


class GradingThreads:
    """The local :class:`GradingPool`: ``jobs`` threads of this process share ``grader``."""

    def __init__(self, grader: Grader, jobs: int) -> None:
        self.grader = grader
        self._threads = ThreadPoolExecutor(max_workers=max(1, jobs))

    def submit(self, exercise: Exercise, submission: Submission) -> Future[GradeResult]:
        return self._threads.submit(grade_safely, self.grader, exercise, submission, True)

    def close(self) -> None:
        # Cancelled, not run: after Ctrl-C or a refusal, the rest waits for the re-run.
        self._threads.shutdown(cancel_futures=True)


def run_batch(
    folder: Path,
    exercises: Sequence[Exercise],
    reader: SubmissionReader,
    pool: GradingPool,
    is_done: Callable[[str, str, str], bool],
    save: Callable[[GradeResult], None],
    progress: Callable[[], None] = lambda: None,
) -> BatchOutcome:
    """Grade every learner in ``folder`` on every exercise, in ``pool``.

    ``is_done(learner, exercise, fingerprint)`` says whether that work is stored
    already; ``save`` stores a new result; ``progress`` is called once per job. The
    caller closes ``pool``.

    Each (learner, exercise) is recorded exactly once: the work is keyed by it (an
    exercise named twice is graded once), each key gets one future, and each future is
    taken once, as it completes, by this process, which alone saves. A pool may run a
    piece of work more than once (Dask re-runs the tasks of a worker that died); grading
    changes nothing outside its own workspace, so only the one delivered result counts.
    """
    kept, refused = distinct_learners(folder)
    outcome = BatchOutcome(refused=refused)
    exercises = list({e.id: e for e in exercises}.values())  # (learner, exercise) unique
    work: list[tuple[Exercise, Submission]] = []
    for learner, path in kept:
        try:
            whole = reader.read(path, exercises, learner)
        except GraderError as error:
            whole = Submission(learner, {}, "unreadable", problems=(str(error),))
        for exercise in exercises:
            submission = for_exercise(whole, exercise)
            if is_done(learner, exercise.id, submission.fingerprint()):
                outcome.skipped.append((learner, exercise.id))
                progress()
            else:
                work.append((exercise, submission))

    futures = {pool.submit(e, s): (e, s) for e, s in work}
    for future in as_completed(futures):
        exercise, submission = futures[future]
        try:
            result = future.result()
        except GraderError:
            raise  # the pool cannot grade at all: stop; what is saved stays for a re-run
        except Exception as error:  # this piece of work only (a worker lost it for good)
            result = not_graded(exercise, submission, error)
        save(result)
        outcome.graded.append(result)
        progress()
    return outcome
