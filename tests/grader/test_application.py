"""The use cases on fakes of their ports: scoring rules, the audit and the batch, with no
process."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

import pytest

from grader.application.audit import AuditMarks, audit_exercise
from grader.application.batch import run_batch
from grader.application.ports import TestRun as Run
from grader.domain.audit import Verdict, hollow_caught
from grader.domain.exercise import ContractMode, ContractRule, Exercise
from grader.domain.exercise import TestSpec as Spec
from grader.domain.result import FlagKind, GradeResult, Outcome
from grader.domain.submission import Submission
from grader.errors import ClusterError
from tests.grader.fakes import FakePool, FakeReader, failed, fake_grader, passed

ANSWER = "calc.py"
REFERENCE = '''"""A tiny answer."""


def add(a: int, b: int) -> int:
    return a + b


def positive(n: int) -> bool:
    return n > 0
'''
PUBLIC = Spec("t/public.py::test_add", "Adds", Decimal(2), hidden=False)
HIDDEN = Spec("t/hidden.py::test_positive", "Tells positive numbers", Decimal(1), hidden=True)
EXERCISE = Exercise(
    id="calc",
    title="Calc",
    points=Decimal(4),
    answer_files=(ANSWER,),
    public_tests=(),
    hidden_tests=(),
    contracts=(ContractRule("independent", ContractMode.POINTS, Decimal(1)),),
)


def run_calc(answers: Mapping[str, str]) -> dict[str, Run]:
    """The two tests, run in this process on the answer's text."""
    space: dict[str, object] = {}
    try:
        exec(compile(answers.get(ANSWER, ""), ANSWER, "exec"), space)
        add, positive = space["add"], space["positive"]
        adds = add(2, 3) == 5 and type(add(2, 3)) is int  # type: ignore[operator]
        tells = positive(1) is True and positive(0) is False  # type: ignore[operator]
    except Exception as error:
        return {s.id: failed(repr(error)) for s in (PUBLIC, HIDDEN)}
    return {
        PUBLIC.id: passed() if adds else failed(),
        HIDDEN.id: passed() if tells else failed("assert positive(0) is False", case="zero"),
    }


def test_full_marks_are_tests_plus_the_contract(tmp_path: Path) -> None:
    grader, _ = fake_grader(tmp_path, [PUBLIC, HIDDEN], run_calc)

    result = grader.grade(
        EXERCISE, Submission("ada", {ANSWER: REFERENCE}, "t"), include_hidden=True
    )

    assert (result.score, result.max_score) == (Decimal(4), Decimal(4))


def test_a_test_that_never_reports_is_missing_and_earns_nothing(tmp_path: Path) -> None:
    grader, _ = fake_grader(tmp_path, [PUBLIC, HIDDEN], lambda answers: {PUBLIC.id: passed()})

    result = grader.grade(
        EXERCISE, Submission("ada", {ANSWER: REFERENCE}, "t"), include_hidden=True
    )

    hidden = next(t for t in result.tests if t.hidden)
    assert hidden.outcome is Outcome.MISSING
    assert result.score == Decimal(3)


def test_a_points_contract_earns_only_once_some_test_earned(tmp_path: Path) -> None:
    grader, _ = fake_grader(tmp_path, [PUBLIC, HIDDEN], run_calc)

    result = grader.grade(
        EXERCISE, Submission("ada", {ANSWER: "x = 1\n"}, "t"), include_hidden=True
    )

    assert result.score == Decimal(0)
    assert result.contracts[0].kept


def test_a_broken_gate_caps_the_score_at_zero(tmp_path: Path) -> None:
    gated = Exercise(**{**EXERCISE.__dict__, "contracts": (ContractRule("independent"),)})
    grader, _ = fake_grader(tmp_path, [PUBLIC, HIDDEN], run_calc, broken=["independent"])

    result = grader.grade(gated, Submission("ada", {ANSWER: REFERENCE}, "t"), include_hidden=True)

    assert result.score == Decimal(0)
    assert "capped at 0" in result.summary


def test_a_hidden_failure_shows_its_case_and_not_its_message(tmp_path: Path) -> None:
    grader, _ = fake_grader(tmp_path, [PUBLIC, HIDDEN], run_calc)
    wrong = REFERENCE.replace("n > 0", "n >= 0")

    result = grader.grade(EXERCISE, Submission("ada", {ANSWER: wrong}, "t"), include_hidden=True)

    hidden = next(t for t in result.tests if t.hidden)
    assert hidden.message == "failed for the case: zero"


def test_the_audit_kills_wrong_versions_and_catches_every_hollow_answer(tmp_path: Path) -> None:
    grader, runner = fake_grader(tmp_path, [PUBLIC, HIDDEN], run_calc)

    audit = audit_exercise(EXERCISE, {ANSWER: REFERENCE}, grader, AuditMarks(), jobs=1)

    # A body that cannot raise behaves the same with its errors swallowed: the survivors
    # are exactly those two, for an author to mark as equivalent.
    assert {m.mutant.operator for m in audit.survivors} == {"swallow"}
    assert len(audit.survivors) == 2
    assert audit.hollows_caught == len(audit.hollows) == 4
    assert all(hollow_caught(h) for h in audit.hollows)
    operators = {m.mutant.operator for m in audit.mutants}
    assert {"comparison", "return-value", "hollow-method"} <= operators
    # A mutant the public test catches is not run again with the hidden test.
    public_only = [m for m in audit.mutants if m.mutant.scope == "add"]
    assert public_only
    assert runner.runs < 2 * (len(audit.mutants) + len(audit.hollows))


def test_an_equivalent_mark_silences_only_its_mutant(tmp_path: Path) -> None:
    blind = {PUBLIC.id: passed(), HIDDEN.id: passed()}
    grader, _ = fake_grader(tmp_path, [PUBLIC, HIDDEN], lambda answers: dict(blind))
    first = audit_exercise(EXERCISE, {ANSWER: REFERENCE}, grader, AuditMarks(), jobs=1)
    marked = first.mutants[0].mutant.id

    audit = audit_exercise(
        EXERCISE,
        {ANSWER: REFERENCE},
        grader,
        AuditMarks(equivalent={marked: "a test that always passes sees no difference"}),
        jobs=1,
    )

    verdicts = {m.mutant.id: m.verdict for m in audit.mutants}
    assert verdicts[marked] is Verdict.EQUIVALENT
    assert [v for k, v in verdicts.items() if k != marked] == [Verdict.SURVIVED] * (
        len(verdicts) - 1
    )
    assert audit.hollows_caught == 0  # tests that pass everything catch no hollow answer


def test_a_stale_equivalent_mark_is_reported(tmp_path: Path) -> None:
    grader, _ = fake_grader(tmp_path, [PUBLIC, HIDDEN], run_calc)

    audit = audit_exercise(
        EXERCISE,
        {ANSWER: REFERENCE},
        grader,
        AuditMarks(equivalent={"0123456789": "a mutant of an older reference"}),
        jobs=1,
    )

    assert audit.stale_marks == ("0123456789",)


def test_a_sample_is_the_same_each_run(tmp_path: Path) -> None:
    grader, _ = fake_grader(tmp_path, [PUBLIC, HIDDEN], run_calc)

    first = audit_exercise(EXERCISE, {ANSWER: REFERENCE}, grader, AuditMarks(), 1, sample=3)
    second = audit_exercise(EXERCISE, {ANSWER: REFERENCE}, grader, AuditMarks(), 1, sample=3)

    assert [m.mutant.id for m in first.mutants] == [m.mutant.id for m in second.mutants]
    assert len(first.mutants) == 3
    assert first.sampled_from > 3


# --- the batch, on a fake grading pool ---------------------------------------------------

BUGGY = REFERENCE.replace("n > 0", "n >= 0")


def a_class(tmp_path: Path) -> tuple[Path, FakeReader]:
    room = tmp_path / "room"
    for learner in ("ada", "bob", "cy"):
        (room / learner).mkdir(parents=True)
    answers = {"ada": REFERENCE, "bob": BUGGY, "cy": REFERENCE}
    return room, FakeReader({k: {ANSWER: v} for k, v in answers.items()})


def test_a_batch_records_each_piece_of_work_once_however_often_it_ran(tmp_path: Path) -> None:
    grader, runner = fake_grader(tmp_path / "work", [PUBLIC, HIDDEN], run_calc)
    room, reader = a_class(tmp_path)
    pool = FakePool(grader, runs=2)  # every task ran twice, as after a worker's death
    saved: list[GradeResult] = []

    outcome = run_batch(room, [EXERCISE, EXERCISE], reader, pool, lambda *_: False, saved.append)

    assert runner.runs == 6  # 3 learners, twice each, the exercise named twice
    assert sorted(pool.submitted) == [("ada", "calc"), ("bob", "calc"), ("cy", "calc")]
    assert sorted((r.learner, r.score) for r in saved) == [
        ("ada", Decimal(4)),
        ("bob", Decimal(3)),
        ("cy", Decimal(4)),
    ]
    assert outcome.graded == saved


def test_work_done_is_skipped_and_never_reaches_the_pool(tmp_path: Path) -> None:
    grader, _ = fake_grader(tmp_path / "work", [PUBLIC, HIDDEN], run_calc)
    room, reader = a_class(tmp_path)
    pool = FakePool(grader)

    outcome = run_batch(
        room, [EXERCISE], reader, pool, lambda learner, *_: learner == "ada", lambda r: None
    )

    assert outcome.skipped == [("ada", "calc")]
    assert sorted(pool.submitted) == [("bob", "calc"), ("cy", "calc")]


def test_work_the_pool_lost_gets_a_zero_that_asks_for_review(tmp_path: Path) -> None:
    grader, _ = fake_grader(tmp_path / "work", [PUBLIC, HIDDEN], run_calc)
    room, reader = a_class(tmp_path)
    lost = RuntimeError("the task killed 3 workers")
    pool = FakePool(grader, fail={"bob": lost})

    outcome = run_batch(room, [EXERCISE], reader, pool, lambda *_: False, lambda r: None)

    bob = next(r for r in outcome.graded if r.learner == "bob")
    assert (bob.score, bob.needs_review) == (Decimal(0), True)
    assert bob.flags[0].kind == FlagKind.GRADER_ERROR
    assert "RuntimeError: the task killed 3 workers" in bob.summary
    assert len(outcome.graded) == 3


def test_a_pool_that_cannot_grade_stops_the_batch(tmp_path: Path) -> None:
    grader, _ = fake_grader(tmp_path / "work", [PUBLIC, HIDDEN], run_calc)
    room, reader = a_class(tmp_path)
    refused = ClusterError("worker tcp://w:1: its course checkout differs from yours")
    pool = FakePool(grader, fail={"bob": refused})
    saved: list[GradeResult] = []

    with pytest.raises(ClusterError, match="its course checkout differs"):
        run_batch(room, [EXERCISE], reader, pool, lambda *_: False, saved.append)

    assert "bob" not in {r.learner for r in saved}
