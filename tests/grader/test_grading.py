"""End to end: real pytest processes grading answers to the fixture exercise.

Points: counts (2), no rows (1), complete (1, parametrized), two hidden tests (1 each),
and 1 for keeping the dynamic-imports check; breaking domain independence is a gate.
"""

from __future__ import annotations

import json
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from grader.adapters.reports import to_html, to_json
from grader.application.grading import bank_problems, drawn_specs
from grader.application.grading import test_result as shown_result
from grader.application.ports import TestRun as Run
from grader.domain.draw import Bank, Question
from grader.domain.exercise import TestSpec as Spec
from grader.domain.result import GradeResult, Outcome, Severity
from grader.errors import GraderError
from tests.grader.support import FIXTURE, REFERENCE, GradeFn

PUBLIC = "grader_tests/public/test_rules.py::"
HIDDEN = "grader_tests/hidden/test_rules_hidden.py::"


def outcomes(result: GradeResult) -> dict[str, Outcome]:
    return {t.id.split("::")[-1]: t.outcome for t in result.tests}


def message(result: GradeResult, name: str) -> str:
    return next(t.message for t in result.tests if t.id.endswith("::" + name))


def kinds(result: GradeResult) -> set[str]:
    return {f.kind for f in result.flags}


def test_the_reference_answer_earns_full_marks(grade: GradeFn) -> None:
    result = grade(REFERENCE)

    assert (result.score, result.max_score) == (Decimal(7), Decimal(7))
    assert result.full_marks
    assert set(outcomes(result).values()) == {Outcome.PASSED}
    assert result.summary == "7 of 7 points: 5 of 5 tests passed."
    assert not result.flags


def test_handing_in_nothing_earns_zero_and_says_so(grade: GradeFn) -> None:
    result = grade(None)

    assert result.score == 0
    assert "no-answer" in kinds(result)
    assert result.summary == ("0 of 7 points: 0 of 5 tests passed; no answer file was found.")
    assert message(result, "test_no_rows_no_missing").startswith(
        "`count_missing` is not written yet (NotImplementedError: count the missing values)"
        "\n(at data/quality/rules.py:"
    )


def test_partial_credit_is_exact(grade: GradeFn) -> None:
    answer = REFERENCE.replace("return count_missing(rows) == 0", "return True")

    result = grade(answer)

    assert result.score == Decimal(6)
    assert outcomes(result)["test_complete"] is Outcome.FAILED
    assert "assert True is False" in message(result, "test_complete")


def test_a_syntax_error_is_explained_in_one_line(grade: GradeFn) -> None:
    result = grade("def count_missing(rows):\n    return (\n")

    assert result.score == 0
    assert message(result, "test_counts_missing_values") == (
        "the answer could not be imported: SyntaxError: '(' was never closed "
        "(at data/quality/rules.py:2)"
    )
    assert outcomes(result)["test_many_rows"] is Outcome.ERROR


def test_an_exception_at_import_is_explained(grade: GradeFn) -> None:
    result = grade('raise RuntimeError("boom")\n')

    assert result.score == 0
    assert "RuntimeError: boom" in message(result, "test_no_rows_no_missing")
    assert "data/quality/rules.py:1" in message(result, "test_no_rows_no_missing")


def test_exiting_at_import_earns_nothing(grade: GradeFn) -> None:
    for exit_call in ("import sys\nsys.exit(0)\n", "import os\nos._exit(0)\n"):
        result = grade(exit_call + REFERENCE)

        assert result.score == 0, exit_call
        assert Outcome.PASSED not in outcomes(result).values()


def test_an_endless_loop_costs_that_test_only(grade: GradeFn) -> None:
    answer = REFERENCE.replace(
        '    """True when no value is missing."""\n',
        '    """True when no value is missing."""\n    while True:\n        pass\n',
    )

    started = time.monotonic()
    result = grade(answer)

    assert outcomes(result)["test_complete"] is Outcome.TIMEOUT
    assert message(result, "test_complete") == (
        "failed for the case: rows0-True\ntook longer than 2 s\n(at data/quality/rules.py:13)"
    )
    assert result.score == Decimal(6)
    assert time.monotonic() - started < 10


def test_a_loop_that_ignores_the_alarm_is_killed_and_the_rest_still_run(grade: GradeFn) -> None:
    answer = "import signal\n" + REFERENCE.replace(
        '    """True when no value is missing."""\n',
        '    """True when no value is missing."""\n'
        "    signal.signal(signal.SIGALRM, signal.SIG_IGN)\n    while True:\n        pass\n",
    )

    result = grade(answer)

    assert outcomes(result)["test_complete"] is Outcome.TIMEOUT
    assert "timeout-kill" in kinds(result)
    assert result.score == Decimal(6)  # the tests after it ran in a new process


def test_an_endless_loop_at_import_stops_at_the_limit(grade: GradeFn) -> None:
    started = time.monotonic()
    result = grade("while True:\n    pass\n")

    assert result.score == 0
    assert set(outcomes(result).values()) == {Outcome.TIMEOUT}
    assert "endless loop at import" in message(result, "test_counts_missing_values")
    assert time.monotonic() - started < 10


def test_a_memory_hog_fails_its_tests_without_harm(grade: GradeFn) -> None:
    answer = REFERENCE.replace(
        '    """How many values are None across all rows."""\n',
        '    """How many values are None across all rows."""\n    hog = bytearray(4 * 1024**3)\n',
    )

    result = grade(answer)

    assert result.score == 0
    assert "MemoryError" in message(result, "test_counts_missing_values")


def test_a_flood_of_output_is_cut_and_costs_nothing(grade: GradeFn) -> None:
    answer = REFERENCE.replace(
        '    """How many values are None across all rows."""\n',
        '    """How many values are None across all rows."""\n    print("x" * 1_000_000)\n',
    )

    result = grade(answer)

    assert result.full_marks
    assert "output-truncated" in kinds(result)


def test_a_forked_child_does_not_stall_grading(grade: GradeFn) -> None:
    answer = (
        "import os, time\nif os.fork() == 0:\n    time.sleep(60)\n    os._exit(0)\n" + REFERENCE
    )

    started = time.monotonic()
    result = grade(answer)

    assert result.full_marks
    assert time.monotonic() - started < 10


def test_a_direct_import_of_another_domain_caps_the_score_at_zero(grade: GradeFn) -> None:
    result = grade("from ai.ml.model import predict\n" + REFERENCE)

    gate = next(c for c in result.contracts if c.id == "domains-independent")
    assert result.score == 0
    assert not gate.kept
    (violation,) = gate.violations
    assert (violation.file, violation.line) == ("data/quality/rules.py", 1)
    assert violation.advice == "Ask the other domain through the kernel's port instead."
    assert "score capped at 0" in result.summary


def test_a_dynamic_import_loses_the_contract_point(grade: GradeFn) -> None:
    result = grade('import importlib\nmodel = importlib.import_module("ai.ml.model")\n' + REFERENCE)

    dynamic = next(c for c in result.contracts if c.id == "dynamic-imports")
    assert not dynamic.kept
    assert result.score == Decimal(6)
    assert dynamic.violations[0].line == 2


def test_hidden_tests_show_title_and_outcome_only(grade: GradeFn) -> None:
    answer = REFERENCE.replace("value is None", "not value")

    result = grade(answer)
    hidden = next(t for t in result.tests if t.id == HIDDEN + "test_zero_is_not_missing")
    everything = json.dumps(to_json(result)) + to_html(result)

    assert hidden.outcome is Outcome.FAILED
    assert hidden.title == "Zero and empty strings are values"
    assert hidden.message == ""
    assert "SECRET-HIDDEN-ASSERTION" not in everything
    assert result.score == Decimal(6)


def test_check_runs_public_tests_only(grade: GradeFn) -> None:
    result = grade(REFERENCE, hidden=False)

    assert not result.hidden_included
    assert {t.id.split("::")[0] for t in result.tests} == {PUBLIC.rstrip(":")}
    assert (result.score, result.max_score) == (Decimal(5), Decimal(5))


def test_planted_files_are_ignored_and_listed(grade: GradeFn) -> None:
    planted = {
        "conftest.py": "import pytest\n@pytest.hookimpl(tryfirst=True)\n"
        "def pytest_runtest_call(item):\n    raise SystemExit(0)\n",
        "pytest.ini": "[pytest]\naddopts = -p no:grader\n",
        "sitecustomize.py": "import os\nos._exit(0)\n",
        "evil.pth": "import os; os._exit(0)\n",
    }

    result = grade(None, extra=planted)

    ignored = {f.message.split(" ")[0] for f in result.flags if f.kind == "ignored-file"}
    assert ignored == set(planted)
    assert result.score == 0
    assert all(f.severity is Severity.INFO for f in result.flags if f.kind == "ignored-file")


def test_a_non_utf8_answer_is_reported(grade: GradeFn, tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "submission" / "data/quality"
    folder.mkdir(parents=True)
    (folder / "rules.py").write_bytes(b"x = '\xff'\n")

    result = grade(None)

    assert result.score == 0
    assert "data/quality/rules.py is not UTF-8 text, so it was not graded" in [
        f.message for f in result.flags
    ]


def test_a_failing_parametrized_case_is_named(grade: GradeFn) -> None:
    answer = REFERENCE.replace("return count_missing(rows) == 0", "return True")

    result = grade(answer)

    assert outcomes(result)["test_complete"] is Outcome.FAILED
    assert message(result, "test_complete").startswith("failed for the case: rows1-False\n")


def test_a_hidden_failing_case_is_named_without_its_code() -> None:
    spec = Spec("grader_tests/hidden/t.py::test_undo", "Undoes", Decimal(1), hidden=True)
    run = Run(Outcome.FAILED, 0.1, "assert calls == ['SECRET']", case="prepare_data")

    shown = shown_result(spec, run)

    assert shown.message == "failed for the case: prepare_data"


def test_no_path_of_the_grading_machine_reaches_the_learner(grade: GradeFn) -> None:
    answer = (
        "import os, sys\n"
        "def count_missing(rows):\n"
        "    raise ValueError(f'{sys.prefix} {sys.base_prefix} {os.getcwd()} {__file__} "
        '{os.path.expanduser("~")}\')\n'
        "def is_complete(rows):\n    return True\n"
    )

    result = grade(answer)

    shown = message(result, "test_counts_missing_values")
    assert "/python /python /workspace /workspace/src/packages/data/quality/rules.py" in shown
    for host in {sys.prefix, sys.base_prefix, str(Path.home()), str(FIXTURE)}:
        assert host not in shown


def _question(question_id: str, topic: str) -> Question:
    return Question(question_id, topic, "?", (("a", "yes"), ("b", "no")))


DRAW_BANK = Bank(
    (_question("bus-1", "Events"), _question("bus-2", "Events"), _question("saga-1", "Sagas"))
)


def _spec(name: str, hidden: bool = True, points: int = 1) -> Spec:
    folder = "hidden/test_answers.py" if hidden else "public/test_format.py"
    return Spec(f"grader_tests/{folder}::{name}", name, Decimal(points), hidden)


def test_a_draw_keeps_the_public_tests_and_the_drawn_hidden_ones_only() -> None:
    specs = [_spec("test_format", hidden=False), _spec("test_bus_1"), _spec("test_bus_2")]
    specs.append(_spec("test_saga_1"))
    names = {
        learner: [s.id.rsplit("::", 1)[-1] for s in drawn_specs(specs, DRAW_BANK, learner)]
        for learner in ("ada", "bob", "cy", "dee")
    }

    assert all(n[0] == "test_format" for n in names.values())
    assert all(n[2:] == ["test_saga_1"] for n in names.values())
    assert {n[1] for n in names.values()} == {"test_bus_1", "test_bus_2"}  # they differ


def test_a_bank_and_its_tests_must_agree() -> None:
    specs = [_spec("test_bus_1"), _spec("test_bus_2", points=2), _spec("test_extra")]

    assert bank_problems(DRAW_BANK, specs) == [
        "hidden test test_extra grades no question of the bank",
        "question saga-1 has no hidden test test_saga_1",
        "the bank's hidden tests must all be worth the same points",
    ]
    with pytest.raises(GraderError, match="hidden test test_extra"):
        drawn_specs(specs, DRAW_BANK, "ada")


def test_logging_an_exception_with_its_traceback_is_not_reading_the_tests(
    grade: GradeFn,
) -> None:
    # The stack's source lines come from the test file too: the line cache reads it, not
    # the answer.
    answer = "import logging\n" + REFERENCE.replace(
        '    """How many values are None across all rows."""\n',
        '    """How many values are None across all rows."""\n'
        "    try:\n        raise ValueError('logged, then handled')\n"
        "    except ValueError:\n"
        "        logging.getLogger(__name__).exception('handled', stack_info=True)\n",
    )

    result = grade(answer)

    assert result.full_marks, result.summary
    assert "tampered" not in kinds(result)
