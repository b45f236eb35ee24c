"""Scoring the learner's own tests by how much of their answer they run.

Behaviour choices, stated once:

* Coverage counts only when every one of the learner's tests passes and every one
  checks something (an ``assert``, ``pytest.raises``, an ``assert_*`` call): a red
  suite proves nothing, and a test that asserts nothing only runs code.
* The share is of the statements of every measured answer file together (the answer
  files that are not test files), as counted by the grader from their text; lines
  count only when the learner's tests ran them, not the exercise's.
* The percent shown is rounded down; the tiers compare exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_FLOOR, Decimal

from grader.application.ports import NEVER_REPORTED, OwnTests, RunReport, StatementCounter
from grader.domain.exercise import CoverageRule
from grader.domain.result import CoverageResult, FileCoverage, Outcome, TestResult
from grader.domain.scoring import plain

ZERO = Decimal(0)


def assess(
    rule: CoverageRule,
    own: OwnTests,
    run: RunReport | None,
    counter: StatementCounter,
    sources: Mapping[str, str],
) -> CoverageResult:
    """What the learner's tests earn. ``sources`` are the measured files' texts."""
    tests = tuple(
        TestResult(s.id, s.title, ZERO, ZERO, r.outcome, round(r.duration, 3), r.message)
        for s in own.specs
        for r in [run.runs.get(s.id, NEVER_REPORTED) if run else NEVER_REPORTED]
    )
    lines = run.lines if run else {}
    files = tuple(counter.coverage(p, text, lines.get(p, ())) for p, text in sources.items())
    covered = sum(f.covered for f in files)
    statements = sum(f.statements for f in files)
    percent = _percent(covered, statements)
    reason = _disqualified(own, tests)
    earned = Decimal(0) if reason else rule.earned(covered, statements)
    message = reason or _explain(rule, percent, earned, len(tests), files)
    return CoverageResult(rule.points, earned, percent, message, files, tests)


def _percent(covered: int, statements: int) -> Decimal:
    if not statements:
        return Decimal(0)
    exact = Decimal(covered * 100) / Decimal(statements)
    return exact.quantize(Decimal("0.1"), rounding=ROUND_FLOOR)


def _name(test_id: str) -> str:
    return test_id.rsplit("::", 1)[-1]


def _disqualified(own: OwnTests, tests: Sequence[TestResult]) -> str | None:
    if own.problem:
        return own.problem[:1].upper() + own.problem[1:].rstrip(".") + "."
    if not tests:
        return "You have written no test yet (a function named test_...)."
    failing = [t for t in tests if t.outcome is not Outcome.PASSED]
    if failing:
        if len(failing) == len(tests):
            told = f"None of your {len(tests)} tests passed"
        else:
            told = f"{len(failing)} of your {len(tests)} tests did not pass"
        return told + ", so their coverage does not count yet."
    silent = [_name(t) for t in own.silent]
    if silent:
        return (
            f"{', '.join(silent)} asserts nothing: a test earns coverage only when it checks "
            "a result (assert, pytest.raises)."
        )
    return None


def _explain(
    rule: CoverageRule,
    percent: Decimal,
    earned: Decimal,
    count: int,
    files: Sequence[FileCoverage],
) -> str:
    statements = sum(f.statements for f in files)
    who = "Your test runs" if count == 1 else f"Your {count} tests run"
    text = f"{who} {plain(percent)}% of the answer's {statements} statements"
    following = next(((p, pts) for p, pts in rule.tiers if pts > earned), None)
    if following is None:
        return text + ": full points."
    missing = "; ".join(f"{f.path} lines {_ranges(f.missing)}" for f in files if f.missing)
    return (
        f"{text}; {plain(following[1])} points from {plain(following[0])}%. Never run: {missing}."
    )


def _ranges(lines: Sequence[int]) -> str:
    """``3, 5-7, 10`` from ``[3, 5, 6, 7, 10]``."""
    spans: list[list[int]] = []
    for line in lines:
        if spans and line == spans[-1][1] + 1:
            spans[-1][1] = line
        else:
            spans.append([line, line])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)
