"""The learner's own tests: run in the sandbox, their coverage of the answer scored."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from grader.adapters.presentation import coverage_details
from grader.application.batch import grade_safely
from grader.configuration import App
from grader.domain.exercise import CoverageRule, Exercise
from grader.domain.result import GradeResult, Outcome
from grader.domain.submission import Submission
from tests.grader.support import REFERENCE

OWN = "tests/test_my_rules.py"
RULES = "data/quality/rules.py"
BOTH = """
from data.quality.rules import count_missing, is_complete


def test_counts():
    assert count_missing([{"a": None}]) == 1


async def test_complete():
    assert is_complete([{"a": 1}])
"""
HALF = """
import pytest

from data.quality.rules import count_missing


@pytest.mark.parametrize("rows", [[{"a": None}], [{"b": None}]])
def test_counts(rows):
    assert count_missing(rows) == 1
"""


@pytest.fixture(scope="module")
def tested(app: App) -> Exercise:
    """The fixture course's exercise, with the learner's own tests scored: 1 point at
    50 % of the answer's statements, 2 at 100 %."""
    rules = app.exercises.get("rules")
    tiers = ((Decimal(50), Decimal(1)), (Decimal(100), Decimal(2)))
    return replace(
        rules,
        answer_files=(*rules.answer_files, OWN),
        coverage=CoverageRule((OWN,), tiers),
        points=rules.points + 2,
    )


def grade(app: App, exercise: Exercise, own: str | None, answer: str = REFERENCE) -> GradeResult:
    answers = {RULES: answer} | ({OWN: own} if own is not None else {})
    return grade_safely(app.grader, exercise, Submission("ada", answers, "test"), True)


def test_tests_that_run_every_statement_earn_every_tier(app: App, tested: Exercise) -> None:
    result = grade(app, tested, BOTH)

    assert result.coverage is not None
    assert result.coverage.percent == 100
    assert (result.coverage.earned, result.score, result.max_score) == (2, 9, 9)
    assert [t.outcome for t in result.coverage.tests] == [Outcome.PASSED, Outcome.PASSED]
    assert (
        result.coverage.message
        == "Your 2 tests run 100% of the answer's 5 statements: full points."
    )


def test_a_partial_cover_earns_the_tier_it_reaches_and_names_the_lines_never_run(
    app: App, tested: Exercise
) -> None:
    result = grade(app, tested, HALF)

    assert result.coverage is not None
    assert result.coverage.percent == 80
    assert result.coverage.earned == 1
    assert result.coverage.files[0].missing == (13,)  # is_complete's body
    assert "2 points from 100%" in result.coverage.message
    assert f"{RULES} lines 13" in result.coverage.message


def test_a_failing_test_of_the_learners_makes_the_coverage_not_count(
    app: App, tested: Exercise
) -> None:
    failing = BOTH + "\n\ndef test_wrong():\n    assert count_missing([]) == 5\n"

    result = grade(app, tested, failing)

    assert result.coverage is not None
    assert result.coverage.earned == 0
    assert result.score == 7
    assert result.coverage.message.startswith("1 of your 3 tests did not pass")
    assert "Wrong: failed: assert 0 == 5" in coverage_details(result.coverage)


def test_a_test_that_asserts_nothing_earns_no_coverage(app: App, tested: Exercise) -> None:
    silent = BOTH + "\n\ndef test_runs_it():\n    is_complete([{'a': None}])\n"

    result = grade(app, tested, silent)

    assert result.coverage is not None
    assert result.coverage.earned == 0
    assert result.coverage.message.startswith("test_runs_it asserts nothing")


@pytest.mark.parametrize(
    ("own", "problem"),
    [
        ("def test_x(:\n    pass\n", "do not parse"),
        ("x = 1\n", "holds no test function"),
        (None, "holds no test function"),  # no answer: the starter (here: none) stands
    ],
)
def test_unreadable_or_missing_tests_say_why(
    app: App, tested: Exercise, own: str | None, problem: str
) -> None:
    result = grade(app, tested, own)

    assert result.coverage is not None
    assert result.coverage.earned == 0
    assert problem in result.coverage.message
    assert result.coverage.tests == ()


def test_coverage_earns_nothing_while_the_exercises_tests_earn_nothing(
    app: App, tested: Exercise
) -> None:
    unfinished = "def count_missing(rows):\n    raise NotImplementedError\n"
    own = "import pytest\n\nfrom data.quality.rules import count_missing\n\n\n"
    own += "def test_not_yet():\n    with pytest.raises(NotImplementedError):\n"
    own += "        count_missing([])\n"

    result = grade(app, tested, own, unfinished)

    assert result.coverage is not None
    assert result.coverage.percent == 100
    assert result.coverage.earned == 0
    assert result.score == 0
    assert result.coverage.message.endswith("once the exercise's tests do.")


def test_pragma_no_cover_does_not_shrink_the_answer(app: App, tested: Exercise) -> None:
    hidden_body = REFERENCE.replace(
        "def is_complete(rows: list[Row]) -> bool:",
        "def is_complete(rows: list[Row]) -> bool:  # pragma: no cover",
    )

    result = grade(app, tested, HALF, hidden_body)

    assert result.coverage is not None
    assert result.coverage.earned == 1


def test_learner_tests_that_reach_for_the_coverage_tool_are_not_graded(
    app: App, tested: Exercise
) -> None:
    cheat = BOTH + "\n\ndef test_more():\n    import coverage\n    assert coverage\n"

    result = grade(app, tested, cheat)

    assert result.coverage is not None
    assert result.coverage.earned == 0
    kinds = {f.kind for f in result.flags}
    assert {"suspicious-code", "suspicious-call"} <= kinds
    assert any("coverage tool" in f.message for f in result.flags)


def test_learner_tests_may_import_pytest_without_a_flag(app: App, tested: Exercise) -> None:
    result = grade(app, tested, HALF)

    assert not [f for f in result.flags if "pytest" in f.message]


def test_the_running_coverage_tool_is_out_of_reach_of_the_learners_tests(
    app: App, tested: Exercise
) -> None:
    forge = (
        HALF
        + """

def test_forge():
    import sys
    found = sys.modules.get("coverage")
    assert found is None  # hidden while the learner's tests run
"""
    )

    result = grade(app, tested, forge)

    assert result.coverage is not None
    assert result.coverage.percent == 80
    assert result.coverage.earned == 1
