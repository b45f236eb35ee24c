"""For authors: how many wrong answers an exercise's tests catch (mutation testing).

Each mutant of the reference answer, and each hollow answer, is graded like a learner's
submission: the same grader, the same sandbox, the contracts. A mutant is first checked
like ``check()`` does (public tests); only one that passes them all is graded again with
the hidden tests too, which saves a test process for most mutants. Hollow answers are
always graded whole. The rules for calling a mutant killed are in
:mod:`grader.domain.audit`.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

from grader.application.batch import grade_safely
from grader.application.grading import Grader
from grader.domain.audit import ExerciseAudit, MutantResult, Requirement, Verdict
from grader.domain.exercise import Exercise
from grader.domain.hollow import hollows
from grader.domain.mutants import Mutant, mutants
from grader.domain.result import FlagKind, GradeResult, Outcome
from grader.domain.submission import Submission
from grader.errors import GraderError


@dataclass(frozen=True)
class AuditMarks:
    """What the author wrote down about an exercise's tests (``solutions/<id>/``)."""

    equivalent: Mapping[str, str] = field(default_factory=dict)  # mutant id -> reason
    requirements: tuple[Requirement, ...] = ()


def audit_exercise(
    exercise: Exercise,
    reference: Mapping[str, str],
    grader: Grader,
    marks: AuditMarks,
    jobs: int = 2,
    sample: int | None = None,
    progress: Callable[[], None] = lambda: None,
) -> ExerciseAudit:
    """Grade every mutant (or a ``sample`` of them, the same each run) and every hollow
    answer of ``exercise``'s ``reference``."""
    started = time.perf_counter()
    own_tests = exercise.coverage.tests if exercise.coverage else ()
    files = tuple(f for f in exercise.answer_files if f not in own_tests)
    missing = [f for f in files if f not in reference]
    if missing:
        raise GraderError(f"{exercise.id}: the reference has no {', '.join(missing)}")
    # The learner's own tests never decide a kill: do not pay for their coverage run.
    exercise = replace(exercise, coverage=None)
    made = mutants(dict(reference), files)
    chosen = made
    if sample is not None and sample < len(made):
        chosen = sorted(random.Random(exercise.id).sample(made, sample), key=made.index)
    empty = hollows(dict(reference), files)

    def grade(mutant: Mutant, hollow: bool) -> GradeResult:
        submission = Submission(f"mutant-{mutant.id}", mutant.answers, "mutant")
        try:
            if not hollow:  # what the public tests catch needs no hidden run
                checked = grade_safely(grader, exercise, submission, include_hidden=False)
                if _caught(checked):
                    return checked
            return grade_safely(grader, exercise, submission, include_hidden=True)
        finally:
            progress()

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        flags = [False] * len(chosen) + [True] * len(empty)
        graded = list(pool.map(grade, [*chosen, *empty], flags))
    results = [_judge(m, g, marks) for m, g in zip([*chosen, *empty], graded, strict=True)]
    made_ids = {m.id for m in made}
    return ExerciseAudit(
        exercise=exercise.id,
        mutants=tuple(results[: len(chosen)]),
        hollows=tuple(results[len(chosen) :]),
        stale_marks=tuple(sorted(set(marks.equivalent) - made_ids)) if sample is None else (),
        sampled_from=len(made) if chosen is not made else 0,
        seconds=time.perf_counter() - started,
    )


def _caught(result: GradeResult) -> bool:
    """Some test did not pass or some contract broke, and the grader itself was fine."""
    if any(f.kind is FlagKind.GRADER_ERROR for f in result.flags) or not result.tests:
        return False
    return any(t.outcome is not Outcome.PASSED for t in result.tests) or any(
        not c.kept for c in result.contracts
    )


def _judge(mutant: Mutant, result: GradeResult, marks: AuditMarks) -> MutantResult:
    failed = tuple(t.title for t in result.tests if t.outcome is not Outcome.PASSED)
    broken = tuple(c.name or c.id for c in result.contracts if not c.kept)
    passed = tuple(t.title for t in result.tests if t.outcome is Outcome.PASSED)
    crashed = next((f.message for f in result.flags if f.kind is FlagKind.GRADER_ERROR), None)
    if crashed is not None or not result.tests:
        verdict, reason = Verdict.ERROR, crashed or result.summary
    elif failed or broken:
        verdict, reason = Verdict.KILLED, ""
    elif mutant.id in marks.equivalent:
        verdict, reason = Verdict.EQUIVALENT, marks.equivalent[mutant.id]
    else:
        verdict, reason = Verdict.SURVIVED, ""
    return MutantResult(
        mutant=mutant,
        verdict=verdict,
        score=result.score,
        max_score=result.max_score,
        caught_by=failed + broken,
        passed=passed,
        requirements=tuple(r for r in marks.requirements if r.concerns(mutant.scope)),
        reason=reason,
    )


def audit_all(
    exercises: Sequence[Exercise],
    reference: Callable[[Exercise], Mapping[str, str] | None],
    marks: Callable[[Exercise], AuditMarks],
    grader: Grader,
    jobs: int = 2,
    sample: int | None = None,
    progress: Callable[[], None] = lambda: None,
) -> list[ExerciseAudit]:
    audits = []
    for exercise in exercises:
        answers = reference(exercise)
        if answers is None:
            raise GraderError(f"{exercise.id}: no reference answer in solutions/ to mutate")
        audits.append(
            audit_exercise(exercise, answers, grader, marks(exercise), jobs, sample, progress)
        )
    return audits
