"""One result in all six formats: they agree row by row on status and points.

Each format is read back the way a person or a tool reads it (the terminal's text, the
notebook's table, the feedback page's cells, JUnit's children, Gradescope's and our JSON's
fields), never through the rows themselves.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from rich.console import Console

from grader.adapters.check_view import CheckView, check_html, check_text
from grader.adapters.presentation import COVERAGE_TITLE, SYMBOLS, Status, done, rows
from grader.adapters.reports import to_gradescope, to_html, to_json, to_junit
from grader.adapters.terminal import show
from grader.domain.result import (
    ContractResult,
    CoverageResult,
    Flag,
    GradeResult,
    Outcome,
    Severity,
    ViolationInfo,
)
from grader.domain.result import (
    TestResult as Result,
)

D = Decimal
SECTION = "course/patterns/domain-adapters.md"
VIOLATION = ViolationInfo(
    "data/quality/rules.py",
    3,
    "data.quality.rules imports ai.ml.model",
    ("data.quality.rules", "ai.ml.model"),
    "Reach the other domain through shared/.",
    SECTION,
)
TESTS = (
    Result("t.py::a", "Counts every None", D(2), D(2), Outcome.PASSED, 0.5),
    Result("t.py::b", "No rows", D("1.5"), D(0), Outcome.FAILED, message="assert 1 == 0"),
    Result("t.py::c", "Imports", D(1), D(0), Outcome.ERROR, message="ImportError: x"),
    Result("t.py::d", "Slow", D(1), D(0), Outcome.TIMEOUT, 2.0, "took over 2s"),
    Result("t.py::e", "Never ran", D(1), D(0), Outcome.MISSING),
    Result("h.py::f", "Hidden one", D(1), D(0), Outcome.FAILED, hidden=True),
    Result("h.py::g", "Hidden two", D(1), D(1), Outcome.PASSED, hidden=True),
)
CONTRACTS = (
    ContractResult("domains-independent", "Domains apart", "gate", D(0), D(0), False, (VIOLATION,)),
    ContractResult("dynamic-imports", "No dynamic imports", "points", D(1), D(1), True),
    ContractResult("hexagon-layers", "Layers", "points", D(1), D(0), False, (VIOLATION,)),
    ContractResult("runtime-imports", "Run time", "points", D(1), D(0), False, error="did not run"),
)
FLAGS = (
    Flag("tampered", "a test reported twice", Severity.REVIEW),
    Flag("ignored-file", "notes.md is not an answer file"),
)
EXPECTED = [  # (status, points): the rules of grader.adapters.presentation, stated as data
    ("passed", "2/2"),
    ("failed", "0/1.5"),
    ("error", "0/1"),
    ("timed out", "0/1"),
    ("missing", "0/1"),
    ("failed", "0/1"),
    ("passed", "1/1"),
    ("broken", "gate"),
    ("kept", "1/1"),
    ("broken", "0/1"),
    ("not run", "0/1"),
]
POINTS = re.compile(r"(.*?) \((gate|[\d.]+/[\d.]+)\)(?: |$)")  # the title, then (points)
COVERAGE = {  # earned of 2 -> the coverage row
    D(2): ("passed", "2/2"),
    D("0.5"): ("partial", "0.5/2"),
    D(0): ("failed", "0/2"),
}


def result(earned: Decimal | None) -> GradeResult:
    coverage = (
        None
        if earned is None
        else CoverageResult(
            D(2),
            earned,
            D(80),
            "Your 2 tests run 80% of the answer",
            tests=(Result("mine::x", "Mine", D(0), D(0), Outcome.FAILED, message="no"),),
        )
    )
    return GradeResult(
        "rules", "ada", D(0), D("11.5"), TESTS, CONTRACTS, FLAGS, coverage, "0 of 11.5."
    )


# --- each format, read back as (title, status, points) ---------------------------------


def terminal(shown: GradeResult) -> list[tuple[str, str, str]]:
    console = Console(record=True, width=300)
    show(console, shown)
    cells = [line.split("│")[1:-1] for line in console.export_text().splitlines()]
    return [
        (title.strip(), status.strip()[2:], points.strip())
        for status, title, points, _ in (c for c in cells if len(c) == 4)
        if status.strip()
    ]


def notebook_text(shown: GradeResult) -> list[tuple[str, str, str]]:
    lines = [s for s in check_text(shown, CheckView()).splitlines() if s[:1] in SYMBOLS.values()]
    return [(m[1], line[2:11].strip(), m[2]) for line in lines if (m := POINTS.match(line[12:]))]


def notebook_html(shown: GradeResult) -> list[tuple[str, str, str]]:
    table = ET.fromstring(check_html(shown, CheckView())).iter("tr")
    return [
        ("".join(cells[1].itertext()), (cells[0].text or "")[2:], cells[2].text or "")
        for cells in (list(tr) for tr in table)
        if cells and cells[0].get("class") == "status"
    ]


class Cells(HTMLParser):
    """Every table row of four cells on the feedback page, as text."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":  # a learner's own test is a row of the coverage row's table, not a row
            self.rows.append([] if ("class", "own") not in attrs else ["own"])
        elif tag == "td":
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self.cell is not None:
            self.rows[-1].append("".join(self.cell))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def feedback_page(shown: GradeResult) -> list[tuple[str, str, str]]:
    page = Cells()
    page.feed(to_html(shown))
    return [
        (title, status, points)
        for status, title, points, _ in (r for r in page.rows if len(r) == 4)
    ]


def junit(shown: GradeResult) -> list[tuple[str, str]]:
    suite = ET.fromstring(to_junit([shown])).iter("testcase")
    return [(case.get("name", ""), case[0].tag if len(case) else "ok") for case in suite]


def gradescope(shown: GradeResult) -> list[tuple[str, str, Decimal, Decimal]]:
    return [
        (t["name"], t["status"], D(str(t["score"])), D(str(t["max_score"])))
        for t in to_gradescope(shown)["tests"]
    ]


def json_rows(shown: GradeResult) -> list[tuple[str, str, str]]:
    return [(r["title"], r["status"], r["points"]) for r in to_json(shown)["rows"]]


# --- the checks ----------------------------------------------------------------------


@pytest.mark.parametrize("earned", [None, *COVERAGE], ids=["none", "full", "partial", "zero"])
def test_every_format_agrees_row_by_row(earned: Decimal | None) -> None:
    shown = result(earned)
    drawn = rows(shown)
    expected = EXPECTED + ([COVERAGE[earned]] if earned is not None else [])
    labels = [r.label for r in drawn]
    titles = [r.title for r in drawn]

    assert [(r.status.value, r.points) for r in drawn] == expected
    for read in (terminal, notebook_text, notebook_html, json_rows):
        assert read(shown) == [(t, s, p) for t, (s, p) in zip(labels, expected, strict=True)]
    # the feedback page sorts rows under headings: a contract's title has no prefix there
    assert feedback_page(shown) == [
        (t + " (hidden)" * r.hidden, s, p)
        for r, t, (s, p) in zip(drawn, titles, expected, strict=True)
    ]
    # JUnit has no points: a pass has no child, a row not judged is an error
    assert junit(shown) == [
        (t, "ok" if r.status.ok else "error" if r.status.unjudged else "failure")
        for r, t in zip(drawn, titles, strict=True)
    ]
    assert gradescope(shown) == [
        (r.label, "passed" if s in ("passed", "kept") else "failed", r.earned, r.possible)
        for r, (s, _) in zip(drawn, expected, strict=True)
    ]


def test_junit_counts_what_its_children_say() -> None:
    suite = ET.fromstring(to_junit([result(D("0.5"))])).find("testsuite")
    assert suite is not None

    assert suite.get("tests") == str(len(EXPECTED) + 1)
    assert suite.get("failures") == str(len(list(suite.iter("failure")))) == "5"
    assert suite.get("errors") == str(len(list(suite.iter("error")))) == "4"


def test_a_hidden_test_shows_its_title_and_status_only() -> None:
    shown = result(None)
    (hidden,) = [t for t in to_gradescope(shown)["tests"] if t["name"] == "Hidden one (hidden)"]
    (row,) = [r for r in to_json(shown)["rows"] if r["title"] == "Hidden one (hidden)"]

    assert hidden["output"] == "failed"
    assert row["text"] == ""


def test_every_format_for_people_names_the_section_to_read() -> None:
    shown = result(None)
    console = Console(record=True, width=300)
    show(console, shown)

    for text in (
        console.export_text(),
        check_text(shown, CheckView()),
        check_html(shown, CheckView()),
        to_html(shown),
        to_gradescope(shown)["tests"][7]["output"],
        to_junit([shown]),
    ):
        assert SECTION in text


def test_done_only_when_every_row_passes_and_the_score_is_full() -> None:
    perfect = GradeResult("rules", "ada", D(3), D(3), TESTS[:1] + TESTS[6:], CONTRACTS[1:2])
    zero_point_failure = replace(
        perfect, tests=(*perfect.tests, replace(TESTS[1], points=D(0), earned=D(0)))
    )
    partial = replace(perfect, max_score=D(5), coverage=result(D("0.5")).coverage)

    assert done(perfect)
    assert not done(zero_point_failure)
    assert not done(partial)
    assert "#1a7f37" in check_html(perfect, CheckView()).split("<table")[0]
    assert "#1a7f37" not in check_html(zero_point_failure, CheckView()).split("<table")[0]


def test_statuses_read_without_colour() -> None:
    words = [s.value for s in Status]

    assert len(set(SYMBOLS[s] + s.value for s in Status)) == len(words)
    assert all(" " not in s.css for s in Status)
    assert COVERAGE_TITLE in to_html(result(D(2)))
