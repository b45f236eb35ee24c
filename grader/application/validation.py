"""For authors: every manifest loads, every reference solution earns full marks, and
every starter earns 0 without crashing the grader."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from grader.application.batch import grade_safely
from grader.application.grading import Grader, bank_problems
from grader.domain.exercise import Exercise
from grader.domain.result import FlagKind, GradeResult
from grader.domain.submission import Submission
from grader.errors import GraderError


@dataclass(frozen=True)
class Finding:
    exercise: str
    ok: bool
    message: str


def validate(
    exercise_ids: list[str],
    load: Callable[[str], Exercise],
    references: Callable[[Exercise], dict[str, str] | None],
    grader: Grader,
) -> list[Finding]:
    findings: list[Finding] = []
    for exercise_id in exercise_ids:
        try:
            exercise = load(exercise_id)
        except GraderError as error:
            findings.append(Finding(exercise_id, False, f"manifest: {error}"))
            continue
        findings.append(Finding(exercise_id, True, "manifest loads"))
        if exercise.draw is not None:
            specs = grader.collector.collect(exercise, include_hidden=True)
            problems = bank_problems(exercise.draw, specs)
            findings.append(
                Finding(exercise_id, not problems, "; ".join(problems) or "bank and tests agree")
            )
        findings += _check_reference(exercise, references(exercise), grader)
        starter = grade_safely(grader, exercise, Submission("starter", {}, "starter"), True)
        findings.append(_expect(exercise_id, "starter", starter, full=False))
    return findings


def _check_reference(
    exercise: Exercise, answers: dict[str, str] | None, grader: Grader
) -> list[Finding]:
    if answers is None:
        return [Finding(exercise.id, False, "no reference answers found in solutions/")]
    missing = sorted(set(exercise.answer_files) - set(answers))
    if missing:
        return [Finding(exercise.id, False, f"reference lacks {', '.join(missing)}")]
    result = grade_safely(grader, exercise, Submission("reference", answers, "reference"), True)
    findings = [_expect(exercise.id, "reference", result, full=True)]
    if result.max_score != exercise.points:
        findings.append(
            Finding(
                exercise.id,
                False,
                f"tests and contracts are worth {result.max_score}; the manifest says "
                f"{exercise.points}",
            )
        )
    return findings


def _expect(exercise_id: str, who: str, result: GradeResult, full: bool) -> Finding:
    crashed = any(f.kind is FlagKind.GRADER_ERROR for f in result.flags)
    if crashed:
        return Finding(exercise_id, False, f"{who}: {result.summary}")
    if full and not result.full_marks:
        return Finding(exercise_id, False, f"{who} should earn full marks: {result.summary}")
    if not full and result.score != 0:
        return Finding(exercise_id, False, f"{who} should earn 0: {result.summary}")
    return Finding(exercise_id, True, f"{who}: {result.summary}")
