"""What ``check()`` shows, drawn from hand-made results: no grading needed to see it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest

from grader import notebook
from grader.adapters.boundary_picture import boundary_svg
from grader.adapters.check_view import CheckView, check_html, check_text, finishing
from grader.domain import result as model
from grader.domain.result import (
    ContractResult,
    Flag,
    GradeResult,
    Outcome,
    ViolationInfo,
)
from tests.pictures import check_picture

ONE, ZERO = Decimal(1), Decimal(0)
VIOLATION = ViolationInfo(
    "data/data_quality/adapters/anomaly_detection.py",
    3,
    "data.data_quality.adapters.anomaly_detection imports ai.machine_learning.domain.model",
    ("data.data_quality.adapters.anomaly_detection", "ai.machine_learning.domain.model"),
    "Reach the other domain through shared/.",
    "course/patterns/domain-adapters.md",
    ("ai.machine_learning.domain.model", "data.anomaly_detection", "shared.interfaces"),
)
VIEW = CheckView(
    hints_total=3,
    hidden_points=Decimal(4),
    next_exercise="02-events",
    link_prefix="../../",
    next_link="../../exercises/02-events/02-events.ipynb",
)


def result(passed: bool, violation: bool = False, flags: tuple[Flag, ...] = ()) -> GradeResult:
    outcome = Outcome.PASSED if passed else Outcome.FAILED
    tests = (
        model.TestResult("t::a", "Finds the outlier", Decimal(2), Decimal(2) * passed, outcome),
        model.TestResult(
            "t::b", "Names a missing detector", ONE, ONE * passed, outcome, message="boom"
        ),
    )
    contract = ContractResult(
        "domains-independent",
        "Domains are independent of one another",
        "gate",
        ZERO,
        ZERO,
        not violation,
        (VIOLATION,) if violation else (),
    )
    score = Decimal(3) if passed and not violation else ZERO
    return GradeResult("01-adapter", "you", score, Decimal(3), tests, (contract,), flags)


def cells(markup: str) -> list[ET.Element]:
    return [c for c in ET.fromstring(markup).iter() if c.tag in ("td", "th")]


def test_every_cell_is_left_aligned_and_statuses_are_words() -> None:
    markup = check_html(result(passed=False), VIEW)

    assert all("text-align:left" in (cell.get("style") or "") for cell in cells(markup))
    statuses = [c.text for c in ET.fromstring(markup).iter("td") if c.get("class") == "status"]
    assert statuses == ["✗ failed", "✗ failed", "✓ kept"]
    assert ">gate<" in markup
    assert "0/0" not in markup


def test_a_broken_boundary_shows_its_picture_and_a_chapter_link() -> None:
    markup = check_html(result(passed=False, violation=True), VIEW)
    tree = ET.fromstring(markup)

    (link,) = [a for a in tree.iter("a") if a.get("class") == "chapter"]
    assert link.get("href") == "../../course/patterns/domain-adapters.md"
    (picture,) = [s for s in tree.iter("{http://www.w3.org/2000/svg}svg")]
    assert picture.get("data-forbidden") == (
        "data.data_quality.adapters.anomaly_detection -> ai.machine_learning.domain.model"
    )
    (code,) = [c for c in tree.iter("code")]
    assert code.text == "data/data_quality/adapters/anomaly_detection.py:3"
    assert "white-space:nowrap" in (code.get("style") or "")
    assert "Fix the broken boundary first" in markup


def test_the_picture_draws_the_importers_other_domains_in_grey() -> None:
    root = check_picture("domains-independent", VIOLATION)

    boxes = {g.get("data-module") for g in root.iter() if g.get("class") == "node"}
    assert boxes == {
        "data.data_quality.adapters.anomaly_detection",
        "ai.machine_learning",
        "data.anomaly_detection",
        "shared",
    }


@pytest.mark.parametrize(
    "chain",
    [("data.quality.rules", "numpy"), ("data.quality.rules",)],
    ids=["third-party", "one module"],
)
def test_no_picture_where_there_is_no_boundary_to_draw(chain: tuple[str, ...]) -> None:
    violation = ViolationInfo("data/quality/rules.py", 1, "m", chain)

    assert boundary_svg("standard-library-only", violation) is None
    if len(chain) == 1:
        assert boundary_svg("dynamic-imports", violation) is None


def test_when_every_public_test_passes_it_says_what_is_left_and_what_is_next() -> None:
    markup = check_html(result(passed=True), VIEW)

    assert finishing(result(passed=True), VIEW) == (
        "All public tests and checks pass. The hidden tests hold 4 more points: they run "
        "when your work is graded. Next exercise: 02-events."
    )
    (link,) = [a for a in ET.fromstring(markup).iter("a") if a.get("class") == "next"]
    assert link.get("href") == "../../exercises/02-events/02-events.ipynb"
    last = check_text(result(passed=True), CheckView(next_exercise=None))
    assert "That was the last exercise of the course." in last


def test_a_failing_check_offers_the_next_hint_and_no_finishing_line() -> None:
    text = check_text(result(passed=False), VIEW)

    assert "Stuck? hint() shows hint 1 of 3." in text
    assert finishing(result(passed=False), VIEW) is None


def test_run_time_imports_fold_into_their_contract_and_ignored_files_are_one_line() -> None:
    flags = (
        Flag("runtime-import", "x", file=VIOLATION.file, line=VIOLATION.line),
        Flag("runtime-import", "data/other.py:9: data.other imported ai.mlops at run time"),
        *(Flag("ignored-file", f"notes{i}.txt is not an answer file") for i in range(49)),
    )
    markup = check_html(result(passed=False, violation=True, flags=flags), VIEW)
    (bullets,) = [ul for ul in ET.fromstring(markup).iter("ul")]

    assert [li.text for li in bullets] == ["49 other files ignored"]
    assert "imports ai.machine_learning.domain.model (also imported at run time)" in markup
    assert "imported at run time: data/other.py:9" in markup


def test_the_graded_cell_outside_nbgrader_names_no_hidden_test(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.delenv(notebook.GRADING_ENV, raising=False)
    monkeypatch.setenv(notebook.WORKSPACE_ENV, str(tmp_path))

    assert notebook.autograde("01-adapter") is None
    printed = capsys.readouterr().out
    assert printed.strip() == notebook.NOT_HERE
    assert not re.search(r"\d+/\d+", printed)
