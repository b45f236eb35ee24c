"""One result as rows: what every format draws (terminal, notebook, HTML, JUnit, Gradescope,
JSON), computed once from a :class:`GradeResult`, so the formats cannot disagree.

Behaviour choices, stated once:

* The rows are the tests, then the boundary checks, then the learner's own tests'
  coverage, each in the result's order.
* A test's status is its outcome: passed, failed, error (it could not run), timed out,
  missing (it never reported).
* A boundary check is kept, broken (it found a violation) or not run (not kept and no
  violation: the check could not tell; its error says why).
* The coverage row is passed only at full points, partial with some of them, failed with
  none.
* Only passed and kept are a pass: green, no JUnit child, Gradescope's ``passed``. Error,
  timed out, missing and not run say the row could not be judged: a JUnit ``error``.
  Every other status is a JUnit ``failure``; Gradescope has ``failed`` for both.
* A gate contract's points read ``gate``: it earns nothing and caps the score at 0 when
  broken. Other points read ``earned/possible``, numbers as people write them (``1.5/2``).
* A broken check names each violation as ``file:line: message``, then each distinct
  remedy (what to use instead, which section to read) once.
* A hidden test shows its title, ``(hidden)`` and its status only: the result holds no
  message for it.
* The result is done (green) only when every row passes and the score is full marks.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from grader.domain.exercise import ContractMode
from grader.domain.result import (
    ContractResult,
    CoverageResult,
    GradeResult,
    Outcome,
    TestResult,
)
from grader.domain.scoring import plain

COVERAGE_TITLE = "Your own tests: coverage of your answer"
SHOWN_FAILURES = 3  # of the learner's own tests, in one cell of a table
GREEN, RED, AMBER = "#1a7f37", "#cf222e", "#9a6700"


class Kind(StrEnum):
    TEST = "test"
    CONTRACT = "contract"
    COVERAGE = "coverage"


class Status(StrEnum):
    """A row's status; its value is the word every format shows."""

    PASSED = "passed"
    KEPT = "kept"
    PARTIAL = "partial"
    FAILED = "failed"
    BROKEN = "broken"
    ERROR = "error"
    TIMED_OUT = "timed out"
    MISSING = "missing"
    NOT_RUN = "not run"

    @property
    def ok(self) -> bool:
        return self in (Status.PASSED, Status.KEPT)

    @property
    def unjudged(self) -> bool:
        """The row could not be judged: JUnit calls it an error, not a failure."""
        return self in (Status.ERROR, Status.TIMED_OUT, Status.MISSING, Status.NOT_RUN)

    @property
    def symbol(self) -> str:
        return SYMBOLS[self]

    @property
    def colour(self) -> str:
        return GREEN if self.ok else AMBER if self is Status.PARTIAL else RED

    @property
    def css(self) -> str:
        """The word as a class name: ``timed-out``."""
        return self.value.replace(" ", "-")


# Symbols as well as words and colours: a status reads without colour and without an emoji font.
SYMBOLS = {
    Status.PASSED: "✓",
    Status.KEPT: "✓",
    Status.PARTIAL: "◐",
    Status.FAILED: "✗",
    Status.BROKEN: "✗",
    Status.ERROR: "!",
    Status.TIMED_OUT: "⏱",
    Status.MISSING: "?",
    Status.NOT_RUN: "!",
}
OUTCOMES = {
    Outcome.PASSED: Status.PASSED,
    Outcome.FAILED: Status.FAILED,
    Outcome.ERROR: Status.ERROR,
    Outcome.TIMEOUT: Status.TIMED_OUT,
    Outcome.MISSING: Status.MISSING,
}


@dataclass(frozen=True)
class Remedy:
    advice: str  # what to use instead
    section: str  # the course section to read, a path under the course


@dataclass(frozen=True)
class Row:
    """One line of every format. ``source`` is there for what only one format draws (a
    boundary picture, the learner's own tests); status, points and words come from here."""

    kind: Kind
    id: str
    title: str
    status: Status
    earned: Decimal
    possible: Decimal
    source: TestResult | ContractResult | CoverageResult
    gate: bool = False
    hidden: bool = False
    message: str = ""  # what happened, lines kept; empty for a hidden test
    remedies: tuple[Remedy, ...] = ()
    duration: float | None = None  # tests only

    @property
    def label(self) -> str:
        """The title as a list of every kind of row shows it."""
        if self.kind is Kind.CONTRACT:
            return f"Boundary check: {self.title}"
        return self.title + " (hidden)" * self.hidden

    @property
    def points(self) -> str:
        return "gate" if self.gate else f"{plain(self.earned)}/{plain(self.possible)}"

    @property
    def text(self) -> str:
        """What happened and what to do, in plain text."""
        lines = [self.message] if self.message else []
        for remedy in self.remedies:
            lines += [f"Instead: {remedy.advice}"] * bool(remedy.advice)
            lines += [f"Read: {remedy.section}"] * bool(remedy.section)
        return "\n".join(lines)


def rows(result: GradeResult) -> tuple[Row, ...]:
    """Every row of the result, in order (see the module docstring)."""
    drawn = [_test(t) for t in result.tests] + [_contract(c) for c in result.contracts]
    if result.coverage is not None:
        drawn.append(_coverage(result.coverage))
    return tuple(drawn)


def done(result: GradeResult, drawn: tuple[Row, ...] | None = None) -> bool:
    """Every row passes and the score is full marks."""
    return result.full_marks and all(r.status.ok for r in drawn or rows(result))


def where(file: str, line: int | None) -> str:
    return f"{file}:{line}" if line else file


def _test(test: TestResult) -> Row:
    return Row(
        Kind.TEST,
        test.id,
        test.title,
        OUTCOMES[test.outcome],
        test.earned,
        test.points,
        test,
        hidden=test.hidden,
        message="" if test.hidden else test.message,
        duration=test.duration,
    )


def _contract(contract: ContractResult) -> Row:
    status = (
        Status.KEPT if contract.kept else Status.BROKEN if contract.violations else Status.NOT_RUN
    )
    lines = [f"{where(v.file, v.line)}: {v.message}" for v in contract.violations]
    pairs = dict.fromkeys((v.advice, v.section) for v in contract.violations)
    return Row(
        Kind.CONTRACT,
        contract.id,
        contract.name,
        status,
        contract.earned,
        contract.points,
        contract,
        gate=contract.mode == ContractMode.GATE,
        message="\n".join(lines + ([contract.error] if contract.error else [])),
        remedies=tuple(Remedy(a, s) for a, s in pairs if a or s),
    )


def _coverage(coverage: CoverageResult) -> Row:
    status = (
        Status.PASSED
        if coverage.earned == coverage.points
        else Status.PARTIAL
        if coverage.earned > 0
        else Status.FAILED
    )
    return Row(
        Kind.COVERAGE,
        "coverage",
        COVERAGE_TITLE,
        status,
        coverage.earned,
        coverage.points,
        coverage,
        message=coverage_details(coverage),
    )


def coverage_details(coverage: CoverageResult) -> str:
    """The coverage message, then each of the learner's tests that did not pass."""
    failing = [t for t in coverage.tests if t.outcome is not Outcome.PASSED]
    lines = [coverage.message]
    for test in failing[:SHOWN_FAILURES]:
        first = test.message.splitlines()[0] if test.message else ""
        lines.append(f"{test.title}: {OUTCOMES[test.outcome]}" + f": {first}" * bool(first))
    if len(failing) > SHOWN_FAILURES:
        lines.append(f"and {len(failing) - SHOWN_FAILURES} more of your tests did not pass")
    return "\n".join(lines)
