"""What an audit of an exercise's tests found: which wrong answers they let through.

Behaviour choices, stated once:

* A mutant is *killed* when some exercise test (public or hidden) does not pass, or a
  boundary contract is not kept. The learner's-own-tests coverage row does not count:
  it measures the learner's tests, not the exercise's.
* A mutant the grader could not grade at all is an *error*, never a kill.
* A survivor is *equivalent* only when an author says so, with a reason, in the
  exercise's ``solutions/<id>/audit.toml``; nothing else silences it.
* The mutation score is killed / (made - equivalent), and is 100% when nothing is left
  to kill. A hollow answer is *caught* when it scores 0 and passes no test at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from grader.domain.mutants import Mutant


class Verdict(StrEnum):
    KILLED = "killed"
    SURVIVED = "survived"
    EQUIVALENT = "equivalent"
    ERROR = "error"  # could not be graded


@dataclass(frozen=True)
class Requirement:
    """One requirement sentence of a statement, the answer code it concerns, its tests."""

    number: str  # "R1"
    text: str
    symbols: tuple[str, ...]  # "Class.method", "Class" or "function"
    tests: tuple[str, ...]  # "test_file.py::test_name"

    def concerns(self, scope: str) -> bool:
        return any(scope == s or scope.startswith(f"{s}.") for s in self.symbols)


@dataclass(frozen=True)
class MutantResult:
    mutant: Mutant
    verdict: Verdict
    score: Decimal
    max_score: Decimal
    caught_by: tuple[str, ...] = ()  # titles of the tests or contracts that failed
    passed: tuple[str, ...] = ()  # titles of the tests that passed
    requirements: tuple[Requirement, ...] = ()  # what a survivor breaks
    reason: str = ""  # why an author marked it equivalent, or why it could not be graded


@dataclass(frozen=True)
class ExerciseAudit:
    exercise: str
    mutants: tuple[MutantResult, ...]
    hollows: tuple[MutantResult, ...]
    stale_marks: tuple[str, ...] = ()  # equivalent marks that match no mutant made today
    sampled_from: int = 0  # how many mutants there were before a sample was taken
    seconds: float = 0.0

    def count(self, verdict: Verdict) -> int:
        return sum(1 for m in self.mutants if m.verdict is verdict)

    @property
    def score(self) -> Decimal:
        """Killed / (made - equivalent), in percent, rounded down to 0.1."""
        judged = len(self.mutants) - self.count(Verdict.EQUIVALENT)
        if judged == 0:
            return Decimal(100)
        exact = Decimal(self.count(Verdict.KILLED) * 100) / Decimal(judged)
        return exact.quantize(Decimal("0.1"), rounding="ROUND_DOWN")

    @property
    def survivors(self) -> tuple[MutantResult, ...]:
        return tuple(m for m in self.mutants if m.verdict is Verdict.SURVIVED)

    @property
    def hollows_caught(self) -> int:
        return sum(1 for h in self.hollows if hollow_caught(h))

    def passes(self, minimum: Decimal) -> bool:
        """Good enough to ship: score reached, no error, every hollow answer caught."""
        return (
            self.score >= minimum
            and self.count(Verdict.ERROR) == 0
            and self.hollows_caught == len(self.hollows)
        )


def hollow_caught(result: MutantResult) -> bool:
    return result.verdict is not Verdict.ERROR and result.score == 0 and not result.passed
