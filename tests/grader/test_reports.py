"""Every report format made from one GradeResult, and the batch's output folder."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from grader.adapters.output_folder import (
    OutputFolder,
    gradebook_csv,
    safe_name,
    summarise,
    summary_markdown,
    write_atomically,
)
from grader.adapters.reports import (
    SCHEMA,
    after_grading,
    from_json,
    number,
    to_gradescope,
    to_html,
    to_json,
    to_junit,
)
from grader.domain.result import (
    ContractResult,
    CoverageResult,
    FileCoverage,
    Flag,
    GradeResult,
    Outcome,
    Severity,
    ViolationInfo,
)
from grader.domain.result import TestResult as Result

PUBLIC = "grader_tests/public/test_rules.py"
HIDDEN = "grader_tests/hidden/test_rules_hidden.py"
XSS = "<script>alert(1)</script>"
HINTS = ("A value is missing when it is None.", "Use <b>count_missing</b>.")

VIOLATION = ViolationInfo(
    file="data/quality/rules.py",
    line=3,
    message="data.quality.rules imports ai.ml.model",
    chain=("data.quality.rules", "ai.ml.model"),
    advice="Ask the other domain through the kernel's port instead.",
    section="course/boundaries.md",
)
BROKEN_GATE = ContractResult(
    id="domains-independent",
    name="Domains are independent of one another",
    mode="gate",
    points=Decimal(0),
    earned=Decimal(0),
    kept=False,
    violations=(VIOLATION,),
)
KEPT_POINTS = ContractResult(
    id="dynamic-imports",
    name="No dynamic imports",
    mode="points",
    points=Decimal(1),
    earned=Decimal(1),
    kept=True,
)
TESTS = (
    Result(
        f"{PUBLIC}::test_counts_missing_values",
        "Counts every None",
        Decimal(2),
        Decimal(2),
        Outcome.PASSED,
        0.5,
    ),
    Result(
        f"{PUBLIC}::test_no_rows_no_missing",
        f"No rows {XSS}",
        Decimal("1.5"),
        Decimal(0),
        Outcome.FAILED,
        0.25,
        message=f"assert {XSS} == 0",
    ),
    Result(
        f"{PUBLIC}::test_complete",
        "Tells complete data from incomplete",
        Decimal(1),
        Decimal(0),
        Outcome.ERROR,
        message="ImportError: cannot import name 'is_complete'",
    ),
    Result(
        f"{HIDDEN}::test_zero_is_not_missing",
        "Zero and empty strings are values",
        Decimal(1),
        Decimal(0),
        Outcome.FAILED,
        0.125,
        hidden=True,
    ),
    Result(
        f"{HIDDEN}::test_many_rows",
        "Large inputs",
        Decimal(1),
        Decimal(0),
        Outcome.TIMEOUT,
        2.0,
        hidden=True,
    ),
)
RESULT = GradeResult(
    exercise="rules",
    learner="ada",
    score=Decimal(0),
    max_score=Decimal("7.5"),
    tests=TESTS,
    contracts=(BROKEN_GATE, KEPT_POINTS),
    flags=(
        Flag("ignored-file", "conftest.py was not taken", Severity.INFO, file="conftest.py"),
        Flag("tampered", f"a test reported twice {XSS}", Severity.REVIEW),
    ),
    summary=f"0 of 7.5: a boundary is broken {XSS}.",
    hidden_included=True,
    fingerprint="0123456789abcdef",
    environment={"python": "3.11.7", "pytest": "9.2.0"},
    duration=3.25,
)
PASSING = GradeResult(
    exercise="rules",
    learner="bob",
    score=Decimal(3),
    max_score=Decimal(3),
    tests=(
        Result(f"{PUBLIC}::test_a", "A", Decimal(2), Decimal(2), Outcome.PASSED),
        Result(f"{PUBLIC}::test_b", "B", Decimal(1), Decimal(1), Outcome.PASSED),
    ),
    contracts=(),
    flags=(Flag("ignored-file", "notes.md was not taken"),),
    summary="Full marks.",
)


# --- numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected", "kind"),
    [
        (Decimal(3), 3, int),
        (Decimal("3.0"), 3, int),
        (Decimal("0.00"), 0, int),
        (Decimal("0.5"), 0.5, float),
        (Decimal("7.25"), 7.25, float),
    ],
)
def test_number_is_an_int_when_integral(value: Decimal, expected: float, kind: type) -> None:
    assert number(value) == expected
    assert type(number(value)) is kind


# --- our JSON --------------------------------------------------------------------------


def test_to_json_holds_everything_in_plain_json() -> None:
    data = to_json(RESULT)

    assert json.loads(json.dumps(data)) == data
    assert len(data.pop("rows")) == 7  # as every format shows them: tests/test_presentation.py
    assert data == {
        "schema": "hexagon-grader/result/v1",
        "exercise": "rules",
        "learner": "ada",
        "score": 0,
        "max_score": 7.5,
        "tests": [
            {
                "id": f"{PUBLIC}::test_counts_missing_values",
                "title": "Counts every None",
                "points": 2,
                "earned": 2,
                "outcome": "passed",
                "duration": 0.5,
                "message": "",
                "hidden": False,
            },
            {
                "id": f"{PUBLIC}::test_no_rows_no_missing",
                "title": f"No rows {XSS}",
                "points": 1.5,
                "earned": 0,
                "outcome": "failed",
                "duration": 0.25,
                "message": f"assert {XSS} == 0",
                "hidden": False,
            },
            {
                "id": f"{PUBLIC}::test_complete",
                "title": "Tells complete data from incomplete",
                "points": 1,
                "earned": 0,
                "outcome": "error",
                "duration": 0.0,
                "message": "ImportError: cannot import name 'is_complete'",
                "hidden": False,
            },
            {
                "id": f"{HIDDEN}::test_zero_is_not_missing",
                "title": "Zero and empty strings are values",
                "points": 1,
                "earned": 0,
                "outcome": "failed",
                "duration": 0.125,
                "message": "",
                "hidden": True,
            },
            {
                "id": f"{HIDDEN}::test_many_rows",
                "title": "Large inputs",
                "points": 1,
                "earned": 0,
                "outcome": "timeout",
                "duration": 2.0,
                "message": "",
                "hidden": True,
            },
        ],
        "contracts": [
            {
                "id": "domains-independent",
                "name": "Domains are independent of one another",
                "mode": "gate",
                "points": 0,
                "earned": 0,
                "kept": False,
                "violations": [
                    {
                        "file": "data/quality/rules.py",
                        "line": 3,
                        "message": "data.quality.rules imports ai.ml.model",
                        "chain": ["data.quality.rules", "ai.ml.model"],
                        "advice": "Ask the other domain through the kernel's port instead.",
                        "section": "course/boundaries.md",
                        "imports": [],
                    }
                ],
                "error": None,
            },
            {
                "id": "dynamic-imports",
                "name": "No dynamic imports",
                "mode": "points",
                "points": 1,
                "earned": 1,
                "kept": True,
                "violations": [],
                "error": None,
            },
        ],
        "flags": [
            {
                "kind": "ignored-file",
                "message": "conftest.py was not taken",
                "severity": "info",
                "file": "conftest.py",
                "line": None,
            },
            {
                "kind": "tampered",
                "message": f"a test reported twice {XSS}",
                "severity": "review",
                "file": None,
                "line": None,
            },
        ],
        "coverage": None,
        "summary": f"0 of 7.5: a boundary is broken {XSS}.",
        "hidden_included": True,
        "fingerprint": "0123456789abcdef",
        "environment": {"python": "3.11.7", "pytest": "9.2.0"},
        "duration": 3.25,
        "full_marks": False,
        "needs_review": True,
    }
    assert data["schema"] == SCHEMA
    assert type(data["score"]) is int
    assert type(data["max_score"]) is float
    assert type(data["tests"][0]["points"]) is int


def test_to_json_of_a_full_marks_result_without_review() -> None:
    data = to_json(PASSING)

    assert (data["score"], data["max_score"]) == (3, 3)
    assert data["full_marks"] is True
    assert data["needs_review"] is False


def test_from_json_gives_back_the_result_to_json_wrote() -> None:
    for result in (RESULT, PASSING, COVERED):  # every kind of part, coverage included
        text = json.dumps(to_json(result))  # as a Dask worker sends it

        assert from_json(json.loads(text)) == result


# --- Gradescope ------------------------------------------------------------------------


def test_to_gradescope() -> None:
    assert to_gradescope(RESULT) == {
        "score": 0,
        "output": f"0 of 7.5: a boundary is broken {XSS}.",
        "tests": [
            {
                "name": "Counts every None",
                "score": 2,
                "max_score": 2,
                "status": "passed",
                "output": "passed",
            },
            {
                "name": f"No rows {XSS}",
                "score": 0,
                "max_score": 1.5,
                "status": "failed",
                "output": f"assert {XSS} == 0",
            },
            {
                "name": "Tells complete data from incomplete",
                "score": 0,
                "max_score": 1,
                "status": "failed",
                "output": "ImportError: cannot import name 'is_complete'",
            },
            {
                "name": "Zero and empty strings are values (hidden)",
                "score": 0,
                "max_score": 1,
                "status": "failed",
                "output": "failed",
            },
            {
                "name": "Large inputs (hidden)",
                "score": 0,
                "max_score": 1,
                "status": "failed",
                "output": "timed out",
            },
            {
                "name": "Boundary check: Domains are independent of one another",
                "score": 0,
                "max_score": 0,
                "status": "failed",
                "output": "data/quality/rules.py:3: data.quality.rules imports ai.ml.model\n"
                "Instead: Ask the other domain through the kernel's port instead.\n"
                "Read: course/boundaries.md",
            },
            {
                "name": "Boundary check: No dynamic imports",
                "score": 1,
                "max_score": 1,
                "status": "passed",
                "output": "kept",
            },
        ],
    }


def test_to_gradescope_shows_a_contract_error_when_there_is_no_violation() -> None:
    crashed = replace(BROKEN_GATE, violations=(), error="import-linter crashed")

    (entry,) = to_gradescope(replace(RESULT, tests=(), contracts=(crashed,)))["tests"]

    assert entry["output"] == "import-linter crashed"
    assert entry["status"] == "failed"


def test_to_gradescope_is_json() -> None:
    data = to_gradescope(RESULT)

    assert json.loads(json.dumps(data)) == data


# --- JUnit -----------------------------------------------------------------------------


def test_to_junit_counts_and_failures() -> None:
    text = to_junit([RESULT, PASSING])
    root = ET.fromstring(text)

    assert text.startswith("<?xml")
    assert XSS not in text
    assert root.tag == "testsuites"
    first, second = root.findall("testsuite")
    assert first.attrib == {
        "name": "ada/rules",
        "tests": "7",
        "failures": "3",
        "errors": "2",
        "time": "3.250",
    }
    assert second.attrib == {
        "name": "bob/rules",
        "tests": "2",
        "failures": "0",
        "errors": "0",
        "time": "0.000",
    }
    cases = [
        (
            case.get("classname"),
            case.get("name"),
            case.get("time"),
            [(child.tag, child.get("message")) for child in case],
        )
        for case in first.findall("testcase")
    ]
    assert cases == [
        ("rules", "Counts every None", "0.500", []),
        ("rules", f"No rows {XSS}", "0.250", [("failure", f"assert {XSS} == 0")]),
        (
            "rules",
            "Tells complete data from incomplete",
            "0.000",
            [("error", "ImportError: cannot import name 'is_complete'")],
        ),
        ("rules", "Zero and empty strings are values", "0.125", [("failure", "failed")]),
        ("rules", "Large inputs", "2.000", [("error", "timed out")]),
        (
            "rules.contracts",
            "Domains are independent of one another",
            None,
            [("failure", "data/quality/rules.py:3: data.quality.rules imports ai.ml.model")],
        ),
        ("rules.contracts", "No dynamic imports", None, []),
    ]
    failed = [c for c in first.iter("testcase") if c.find("failure") is not None]
    assert int(first.get("failures", "")) == len(failed)
    assert int(first.get("errors", "")) == len(list(first.iter("error")))


def test_to_junit_of_nothing_is_an_empty_document() -> None:
    root = ET.fromstring(to_junit([]))

    assert root.tag == "testsuites"
    assert list(root) == []


def test_to_junit_of_a_contract_that_did_not_run_is_an_error() -> None:
    crashed = replace(BROKEN_GATE, violations=(), error=None)
    root = ET.fromstring(to_junit([replace(RESULT, tests=(), contracts=(crashed,))]))

    (error,) = root.iter("error")
    assert error.get("message") == "not run"
    assert list(root.iter("failure")) == []


# --- HTML ------------------------------------------------------------------------------


def test_to_html_escapes_what_learners_and_tests_wrote() -> None:
    page = to_html(replace(RESULT, learner=f"ada {XSS}"), HINTS)

    assert "<script>" not in page
    assert f"No rows {XSS.replace('<', '&lt;').replace('>', '&gt;')}" in page
    assert "assert &lt;script&gt;alert(1)&lt;/script&gt; == 0" in page
    assert "<h1>rules · ada &lt;script&gt;alert(1)&lt;/script&gt;</h1>" in page
    assert "<div class='flag'>tampered: a test reported twice &lt;script&gt;" in page


def test_to_html_shows_score_summary_tests_and_contracts() -> None:
    page = to_html(RESULT, HINTS)

    assert page.startswith("<!doctype html>")
    assert '<p class="score">0 / 7.5</p>' in page
    assert "<p>0 of 7.5: a boundary is broken &lt;script&gt;alert(1)&lt;/script&gt;.</p>" in page
    assert "<td class='passed'>passed</td><td>Counts every None</td><td>2/2</td>" in page
    assert "<td class='timed-out'>timed out</td><td>Large inputs <em>(hidden)</em></td>" in page
    assert "<h2>Boundary checks</h2>" in page
    assert (
        "<td class='broken'>broken</td><td>Domains are independent of one another</td><td>gate</td>"
    ) in page
    assert "<code>data/quality/rules.py:3</code> data.quality.rules imports ai.ml.model" in page
    assert "data.quality.rules → ai.ml.model" in page
    assert "Read: course/boundaries.md" in page
    assert "<td class='kept'>kept</td><td>No dynamic imports" in page
    assert "python 3.11.7, pytest 9.2.0" in page


def test_to_html_lists_the_hints_escaped() -> None:
    page = to_html(RESULT, HINTS)

    assert (
        "<h2>Hints</h2><ul><li>A value is missing when it is None.</li>"
        "<li>Use &lt;b&gt;count_missing&lt;/b&gt;.</li></ul>"
    ) in page


def test_to_html_says_hidden_tests_show_title_and_outcome_only() -> None:
    page = to_html(RESULT)

    assert "Hidden tests show their title and outcome only." in page
    assert (
        "<td class='failed'>failed</td><td>Zero and empty strings are values "
        "<em>(hidden)</em></td><td>0/1</td><td><pre></pre></td>"
    ) in page


def test_to_html_leaves_out_empty_sections() -> None:
    page = to_html(replace(PASSING, flags=()))

    assert '<p class="score">3 / 3</p>' in page
    assert "<h2>Hints</h2>" not in page
    assert "<h2>Boundary checks</h2>" not in page
    assert "<h2>Notes</h2>" not in page


# --- the output folder -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ada", "ada"),
        ("ada.lovelace@uni.example", "ada.lovelace@uni.example"),
        ("Ada Lovelace", "Ada_Lovelace"),
        ("../etc/passwd", "_etc_passwd"),
        (".hidden", "hidden"),
        ("a/b\\c", "a_b_c"),
        ("zoë", "zo_"),
        ("", "_"),
        ("...", "_"),
        ("rules-2_v1.0", "rules-2_v1.0"),
    ],
)
def test_safe_name(name: str, expected: str) -> None:
    made = safe_name(name)
    if name == expected:
        assert made == name
    else:  # a changed name carries a short hash of itself, so two names never share one
        cleaned, _, digest = made.rpartition("~")
        assert cleaned == expected
        assert len(digest) == 8


def test_safe_names_never_collide() -> None:
    names = ["a b", "a_b", "a+b", "a/b", "ab", "zoë", "zoä", ".ab", "ab."]

    assert len({safe_name(n) for n in names}) == len(names)


def test_write_atomically_creates_folders_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "results" / "ada" / "rules.json"

    write_atomically(path, "first\n")
    write_atomically(path, "zweite Fassung ü\n")

    assert path.read_text(encoding="utf-8") == "zweite Fassung ü\n"
    assert sorted(p.name for p in path.parent.iterdir()) == ["rules.json"]


def stored(result: GradeResult) -> dict[str, Any]:
    """A result as the output folder stores and reads it back."""
    return json.loads(json.dumps(to_json(result)))


def result_for(
    learner: str,
    exercise: str,
    score: str,
    max_score: str,
    *,
    failed: tuple[str, ...] = (),
    broken: bool = False,
    review: str = "",
) -> dict[str, Any]:
    tests = tuple(
        Result(f"{PUBLIC}::test_{i}", title, Decimal(1), Decimal(0), Outcome.FAILED)
        for i, title in enumerate(failed)
    )
    contracts = (BROKEN_GATE,) if broken else (KEPT_POINTS,)
    flags = (Flag("tampered", review, Severity.REVIEW),) if review else ()
    return stored(
        GradeResult(exercise, learner, Decimal(score), Decimal(max_score), tests, contracts, flags)
    )


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_gradebook_csv_has_one_row_per_learner_sorted() -> None:
    results = [
        result_for("cy", "adapters", "5", "5"),
        result_for("bob", "rules", "0", "7", review="a test reported twice"),
        result_for("ada", "rules", "7", "7"),
        result_for("ada", "adapters", "2.5", "5"),
    ]

    text = gradebook_csv(results, ["rules", "adapters"])

    assert rows(text) == [
        ["learner", "rules", "adapters", "total", "max", "needs_review"],
        ["ada", "7", "2.5", "9.5", "12", ""],
        ["bob", "0", "", "0", "12", "yes"],
        ["cy", "", "5", "5", "12", ""],
    ]
    assert text.startswith("learner,rules,adapters,total,max,needs_review\r\n")


def test_gradebook_csv_rounds_float_totals() -> None:
    results = [
        result_for("ada", "one", "0.1", "0.1"),
        result_for("ada", "two", "0.2", "0.2"),
    ]

    assert rows(gradebook_csv(results, ["one", "two"]))[1] == [
        "ada",
        "0.1",
        "0.2",
        "0.3",
        "0.3",
        "",
    ]


def test_gradebook_csv_of_no_results_is_a_header() -> None:
    assert gradebook_csv([], ["rules"]) == "learner,rules,total,max,needs_review\r\n"


def test_gradebook_csv_skips_exercises_outside_the_list() -> None:
    results = [result_for("ada", "rules", "7", "7"), result_for("ada", "adapters", "5", "5")]

    assert rows(gradebook_csv(results, ["rules"])) == [
        ["learner", "rules", "total", "max", "needs_review"],
        ["ada", "7", "7", "7", ""],
    ]


def test_summarise() -> None:
    results = [
        result_for("ada", "rules", "7", "7"),
        result_for(
            "bob",
            "rules",
            "3",
            "7",
            failed=("Counts every None", "Large inputs"),
            review="a test reported twice",
        ),
        result_for("cy", "rules", "0", "7", failed=("Counts every None",), broken=True),
        result_for("ada", "adapters", "2.5", "5", failed=("Retries",)),
    ]

    summary = summarise(results)

    assert summary == {
        "exercises": {
            "adapters": {
                "learners": 1,
                "max_score": 5,
                "median": 2.5,
                "mean": 2.5,
                "full_marks": 0,
                "zero": 0,
                "distribution": {2.5: 1},
                "most_failed_tests": [("Retries", 1)],
                "contract_violations": {},
            },
            "rules": {
                "learners": 3,
                "max_score": 7,
                "median": 3,
                "mean": 3.333,
                "full_marks": 1,
                "zero": 1,
                "distribution": {0: 1, 3: 1, 7: 1},
                "most_failed_tests": [("Counts every None", 2), ("Large inputs", 1)],
                "contract_violations": {"domains-independent": 1},
            },
        },
        "needs_review": [
            {"learner": "bob", "exercise": "rules", "why": ["a test reported twice"]},
        ],
    }
    assert list(summary["exercises"]) == ["adapters", "rules"]


def test_summarise_takes_the_median_of_an_even_count() -> None:
    results = [
        result_for(name, "rules", score, "7") for name, score in zip("abcd", "0347", strict=True)
    ]

    assert summarise(results)["exercises"]["rules"]["median"] == 3.5


def test_summarise_lists_at_most_five_failed_tests() -> None:
    titles = tuple(f"Test {i}" for i in range(7))
    results = [result_for("ada", "rules", "0", "7", failed=titles)]

    failed = summarise(results)["exercises"]["rules"]["most_failed_tests"]

    assert failed == [(title, 1) for title in titles[:5]]


def test_summary_markdown() -> None:
    summary = summarise(
        [
            result_for("ada", "rules", "7", "7"),
            result_for(
                "bob", "rules", "0", "7", failed=("Large inputs",), broken=True, review="why"
            ),
        ]
    )

    assert summary_markdown(summary) == (
        "# Batch summary\n\n"
        "## rules\n"
        "- learners: 2; median 3.5 of 7; full marks: 1; zero: 1\n"
        "- distribution: 0: 1, 7: 1\n"
        "- most failed: Large inputs (1)\n"
        "- boundary violations: domains-independent (1)\n\n"
        "## Needs review\n\n"
        "- bob / rules: why\n"
    )


def test_the_output_folder_saves_and_finishes(tmp_path: Path) -> None:
    out = OutputFolder(tmp_path / "out", {"rules": HINTS})
    full = replace(RESULT, learner="bob", score=Decimal("7.5"), flags=(), fingerprint="f")

    out.save(RESULT)
    out.save(full)
    summary = out.finish(["rules"], [RESULT, full])

    assert out.is_done("ada", "rules", "0123456789abcdef")
    assert not out.is_done("ada", "rules", "something-else")
    assert not out.is_done("cy", "rules", "0123456789abcdef")
    assert [r["learner"] for r in out.stored()] == ["ada", "bob"]
    assert out.stored()[0] == stored(RESULT)
    assert "<li>A value is missing when it is None.</li>" in (
        tmp_path / "out" / "feedback" / "ada" / "rules.html"
    ).read_text(encoding="utf-8")
    assert rows((tmp_path / "out" / "gradebook.csv").read_text()) == [
        ["learner", "rules", "total", "max", "needs_review"],
        ["ada", "0", "0", "7.5", "yes"],
        ["bob", "7.5", "7.5", "7.5", ""],
    ]
    assert len(ET.parse(tmp_path / "out" / "junit.xml").getroot().findall("testsuite")) == 2
    assert json.loads((tmp_path / "out" / "summary.json").read_text()) == json.loads(
        json.dumps(summary)
    )
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "feedback",
        "gradebook.csv",
        "junit.xml",
        "report.html",
        "results",
        "summary.json",
        "summary.md",
    ]


# --- the learner's own tests -------------------------------------------------------------

OWN = "src/packages/tests/test_mine.py"
COVERED = replace(
    PASSING,
    score=Decimal(4),
    max_score=Decimal(5),
    coverage=CoverageResult(
        Decimal(2),
        Decimal(1),
        Decimal("80.0"),
        f"Your 2 tests run 80% of the answer's 5 statements {XSS}",
        (FileCoverage("data/quality/rules.py", 5, (13,)),),
        (
            Result(f"{OWN}::test_ok", "Ok", Decimal(0), Decimal(0), Outcome.PASSED),
            Result(f"{OWN}::test_bad", "Bad", Decimal(0), Decimal(0), Outcome.FAILED, 0, "x"),
        ),
    ),
)


def test_every_format_shows_what_the_learners_own_tests_earned() -> None:
    gradescope = to_gradescope(COVERED)["tests"][-1]
    junit = ET.fromstring(to_junit([COVERED]))
    page = to_html(COVERED)

    assert gradescope["name"] == "Your own tests: coverage of your answer"
    # passed only at full points (1 of 2 is partial: a failure in Gradescope and JUnit alike)
    assert (gradescope["score"], gradescope["max_score"], gradescope["status"]) == (1, 2, "failed")
    assert gradescope["output"].splitlines()[1] == "Bad: failed: x"
    suite = junit.find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures")) == ("3", "1")
    assert "80% of the answer" in page
    assert XSS not in page
    assert to_json(COVERED)["coverage"]["files"][0]["missing"] == [13]


EXPLAINED = """Shown after grading.

## test_counts_missing_values
Counting: every None counts once.

## test_zero_is_not_missing
Zero: 0 is a value.
"""


def test_after_grading_shows_the_intro_and_the_sections_of_the_tests_that_ran() -> None:
    result = GradeResult(
        "rules", "ada", Decimal(1), Decimal(1), TESTS[:1], (), hidden_included=True
    )

    page = to_html(result, (), EXPLAINED)

    assert after_grading(EXPLAINED, result) == (
        "Shown after grading.\n\nCounting: every None counts once."
    )
    assert "Counting: every None counts once." in page
    assert "Zero: 0 is a value." not in page
    assert "test_zero_is_not_missing" not in page
    assert after_grading("No sections at all.\n", result) == "No sections at all."
