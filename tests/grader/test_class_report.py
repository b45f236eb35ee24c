"""report.html: every number on the page is the one the results JSON says.

The class: an honest learner, a partial one, one who breaks a boundary (flagged), one
whose code loops (a timeout), one whose code crashes the test process, one who exits
early (flagged) and an unreadable notebook. The expected numbers are computed here from
the stored JSON, independently of the report's own code.
"""

from __future__ import annotations

import json
import math
import re
import shutil
from collections import Counter
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from statistics import median
from typing import Any

import pytest

from grader.cli import main
from tests.grader.support import FIXTURE, REFERENCE

ANSWER = "data/quality/rules.py"
LOOPS = REFERENCE + "\n\ndef is_complete(rows):\n    while True:\n        pass\n"
CRASHES = "import ctypes\n\n\ndef count_missing(rows):\n    return ctypes.string_at(0)\n"
EXITS = "import os\n\nos._exit(0)\n"
CLASS = {
    "ada": REFERENCE,
    "bob": REFERENCE.replace("== 0", "!= 0"),
    "eve": REFERENCE + "\nimport ai.ml.model  # noqa\n",
    "tim": LOOPS,
    "kim": CRASHES,
    "cy": EXITS,
}


class Page(HTMLParser):
    """The tables (by id), the facts, the paragraphs with an id and every chart's desc."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.links: dict[str, list[list[str]]] = {}  # table id -> per row, the hrefs
        self.texts: dict[str, str] = {}  # element id -> its text
        self.descs: list[str] = []
        self.external: list[str] = []
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._open: list[str] = []  # ids of open elements whose text we collect
        self._desc = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        for key in ("src", "href"):
            value = named.get(key) or ""
            if re.match(r"[a-z]+:", value) or value.startswith("//"):
                self.external.append(value)
        if tag == "link":
            self.external.append(str(named))
        if tag == "table":
            self._table = named.get("id")
            if self._table:
                self.tables[self._table] = []
                self.links[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
            self.links[self._table].append([])
        elif tag in ("td", "th") and self._table:
            self._cell = []
        elif tag == "a" and self._table and named.get("href"):
            self.links[self._table][-1].append(str(named["href"]))
        elif tag == "desc":
            self._desc = True
            self.descs.append("")
        if tag in ("p", "div") and named.get("id"):
            self._open.append(str(named["id"]))
            self.texts[str(named["id"])] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._table and self._cell is not None:
            self.tables[self._table][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._table = None
        elif tag == "desc":
            self._desc = False
        elif tag in ("p", "div") and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._desc:
            self.descs[-1] += data
        for element in self._open:
            self.texts[element] += data


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    room = tmp_path_factory.mktemp("class") / "submissions"
    for learner, source in CLASS.items():
        (room / learner / "data/quality").mkdir(parents=True)
        (room / learner / ANSWER).write_text(source)
    (room / "dee.ipynb").write_text("{ not json")
    out = room.parent / "out"
    code = main(["--course", str(FIXTURE), "batch", str(room), "--out", str(out), "--jobs", "2"])
    assert code == 0
    return out


def results(out: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted((out / "results").glob("*/*.json"))]


def page(out: Path) -> Page:
    parsed = Page()
    parsed.feed((out / "report.html").read_text(encoding="utf-8"))
    return parsed


def number(value: Any) -> str:
    exact = Decimal(str(value))
    return format(exact.normalize(), "f") if exact == exact.to_integral() else str(exact)


def bins(scores: list[Decimal], maximum: Decimal) -> list[list[str]]:
    """One-point bins up to 20 points (the fixture's maximum is 7)."""
    assert maximum <= 20
    counts = Counter(math.floor(score) for score in scores)
    return [[str(k), str(counts.get(k, 0))] for k in range(int(maximum) + 1)]


def test_the_class_covers_every_kind_of_submission(graded: Path) -> None:
    by_learner = {r["learner"]: r for r in results(graded)}
    assert by_learner["ada"]["full_marks"]
    assert 0 < by_learner["bob"]["score"] < by_learner["bob"]["max_score"]
    assert not by_learner["eve"]["contracts"][0]["kept"]
    assert "timeout" in [t["outcome"] for t in by_learner["tim"]["tests"]]
    assert "crashed" in [f["kind"] for f in by_learner["kim"]["flags"]]
    assert by_learner["cy"]["needs_review"]
    assert by_learner["dee"]["needs_review"]


def test_the_scores_on_the_page_are_the_results(graded: Path) -> None:
    stored = results(graded)
    shown = page(graded)
    maximum = max(Decimal(str(r["max_score"])) for r in stored)
    scores = {r["learner"]: Decimal(str(r["score"])) for r in stored}

    assert shown.tables["hist-total"][1:] == bins(list(scores.values()), maximum)
    assert shown.tables["hist-rules"][1:] == bins(list(scores.values()), maximum)
    assert shown.texts["ex-rules"] == (
        f"{len(stored)} learners · median {number(median(scores.values()))} of "
        f"{number(maximum)} · full marks {sum(r['full_marks'] for r in stored)} · zero "
        f"{sum(s == 0 for s in scores.values())}"
    )
    facts = {k: " ".join(v.split()) for k, v in shown.texts.items() if k.startswith("fact-")}
    assert facts == {
        "fact-learners": f"{len(scores)} learners",
        "fact-exercises": "1 exercises",
        "fact-median-total": f"{number(median(scores.values()))} of {number(maximum)} median total",
        "fact-full-marks-overall": f"{sum(s == maximum for s in scores.values())} "
        "full marks overall",
        "fact-to-review": f"{len(shown.tables['review']) - 1} to review",
    }
    learners = [row for row in shown.tables["learners"][1:]]
    assert learners == [
        [
            learner,
            number(scores[learner]),
            number(scores[learner]),
            "yes" if learner in {row[0] for row in shown.tables["review"][1:]} else "",
        ]
        for learner in sorted(scores)
    ]


def test_the_failing_tests_and_the_violations_are_the_results(graded: Path) -> None:
    stored = results(graded)
    shown = page(graded)
    failed: Counter[tuple[str, str]] = Counter()
    for result in stored:
        for test in result["tests"]:
            if test["outcome"] != "passed":
                title = test["title"] + (" (hidden)" if test["hidden"] else "")
                failed[(result["exercise"], title)] += 1
    expected = sorted(failed.items(), key=lambda item: (-item[1], item[0]))[:10]
    assert shown.tables["failing"][1:] == [
        [exercise, title, str(n), str(len(stored))] for (exercise, title), n in expected
    ]
    pairs: Counter[tuple[str, str]] = Counter()
    for result in stored:
        found = {
            (".".join(v["chain"][0].split(".")[:2]), ".".join(v["chain"][-1].split(".")[:2]))
            for c in result["contracts"]
            if not c["kept"]
            for v in c["violations"]
        }
        pairs.update(found)
    assert pairs == Counter({("data.quality", "ai.ml"): 1})
    assert shown.tables["pairs"][1:] == [[a, b, str(n)] for (a, b), n in sorted(pairs.items())]


def test_the_review_queue_holds_flags_timeouts_and_crashes_with_links(graded: Path) -> None:
    stored = results(graded)
    shown = page(graded)
    expected = []
    for result in sorted(stored, key=lambda r: r["learner"]):
        why = [f"{f['kind']}: {f['message']}" for f in result["flags"] if f["severity"] == "review"]
        why += [
            f"{f['kind']}: {f['message']}"
            for f in result["flags"]
            if f["kind"] in ("crashed", "grader-error") and f["severity"] != "review"
        ]
        why += [f"timeout: {t['title']}" for t in result["tests"] if t["outcome"] == "timeout"]
        if result["needs_review"] or why:
            expected.append(
                [
                    result["learner"],
                    result["exercise"],
                    " ".join(" ".join(dict.fromkeys(why)).split()),
                ]
            )
    rows = [[r[0], r[1], r[2]] for r in shown.tables["review"][1:]]
    # the page separates reasons with line breaks, which the parser reads as nothing
    assert [r[:2] for r in rows] == [e[:2] for e in expected]
    for row, want in zip(rows, expected, strict=True):
        assert row[2].replace(" ", "") == want[2].replace(" ", "")
    assert {r[0] for r in rows} == {"cy", "dee", "eve", "kim", "tim"}
    for (href,) in shown.links["review"][1:]:
        assert (graded / href).is_file(), href
    for row in shown.links["learners"][1:]:
        assert row
        assert all((graded / href).is_file() for href in row)


def test_the_grading_times_are_the_results(graded: Path) -> None:
    stored = results(graded)
    shown = page(graded)
    durations = sorted(
        ((r["learner"], r["exercise"], r["duration"]) for r in stored),
        key=lambda d: (-d[2], d[0], d[1]),
    )
    assert shown.tables["durations"][1:] == [[a, b, f"{d:.3f}"] for a, b, d in durations]
    seconds = [d for _, _, d in durations]
    assert shown.texts["time"] == (
        f"{len(seconds)} submissions · {sum(seconds):.2f} s in all · median "
        f"{median(seconds):.2f} s · slowest {max(seconds):.2f} s"
    )


def test_every_chart_has_a_text_alternative_with_the_same_numbers(graded: Path) -> None:
    shown = page(graded)
    tables = shown.tables

    def listing(rows: list[list[str]]) -> str:
        return "; ".join(f"{label}: {count}" for label, count in rows)

    assert shown.descs == [
        "Learners per total: " + listing(tables["hist-total"][1:]),
        "Learners per score: " + listing(tables["hist-rules"][1:]),
        "; ".join(f"{e} · {t}: {n} of {of}" for e, t, n, of in tables["failing"][1:]),
        "Submissions with a violation, per importing and imported domain: "
        + "; ".join(f"{a} imports {b}: {n}" for a, b, n in tables["pairs"][1:]),
        "; ".join(f"{a} · {b}: {float(d):.2f} s" for a, b, d in tables["durations"][1:]),
    ]
    assert (graded / "report.html").read_text().count('<svg role="img"') == 5


def test_the_page_is_self_contained(graded: Path) -> None:
    text = (graded / "report.html").read_text()
    shown = page(graded)
    assert shown.external == []
    assert "<script src" not in text
    assert "@import" not in text
    assert re.findall(r"url\((?!#)", text) == []  # only references inside the page
    ids = re.findall(r'\bid="([^"]+)"', text)
    assert len(ids) == len(set(ids))


def test_grader_report_rebuilds_the_same_page(graded: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(graded, copy)
    before = (copy / "report.html").read_text()
    (copy / "report.html").unlink()

    assert main(["--course", str(FIXTURE), "report", str(copy)]) == 0

    assert (copy / "report.html").read_text() == before


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda root: root / "missing", "is not a folder"),
        (lambda root: root, "is not a batch output folder"),
    ],
)
def test_a_folder_that_is_no_batch_output_is_one_sentence(
    make: Any, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--course", str(FIXTURE), "report", str(make(tmp_path))]) == 2

    error = capsys.readouterr().err
    assert said in error
    assert error.count("\n") == 1
    assert "Traceback" not in error


def test_a_damaged_result_file_is_named(
    graded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(graded, copy)
    (copy / "results/ada/rules.json").write_text("{ damaged")

    assert main(["--course", str(FIXTURE), "report", str(copy)]) == 2

    assert "results/ada/rules.json cannot be read as JSON" in capsys.readouterr().err

    (copy / "results/ada/rules.json").write_text('{"schema": "hexagon-grader/result/v1"}')
    assert main(["--course", str(FIXTURE), "report", str(copy)]) == 2
    assert "results/ada/rules.json lacks contracts, duration, exercise" in capsys.readouterr().err


CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_report_in_a_browser_offline(graded: Path, scheme: str) -> None:
    """Opened from disk with every request refused: charts drawn, the scheme followed,
    the learner table sorted by a click; a full-page screenshot per scheme."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(color_scheme=scheme, viewport={"width": 1100, "height": 900})
        requests: list[str] = []
        context.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith("file://")
                else (requests.append(route.request.url), route.abort())
            ),
        )
        tab = context.new_page()
        problems: list[str] = []
        tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        tab.on("pageerror", lambda error: problems.append(str(error)))
        tab.goto((graded / "report.html").as_uri())

        boxes = tab.eval_on_selector_all(
            "svg.chart", "charts => charts.map(c => c.getBoundingClientRect().height)"
        )
        ink = tab.evaluate("getComputedStyle(document.body).color")
        text = tab.evaluate("getComputedStyle(document.querySelector('svg.chart text')).fill")
        bar = tab.evaluate(
            "getComputedStyle(document.querySelector('svg.chart path[style*=\"--bar\"]')).fill"
        )
        background = tab.evaluate("getComputedStyle(document.body).backgroundColor")
        SHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SHOTS / f"class-report-{scheme}.png"), full_page=True)

        tab.locator("#learners th button", has_text="total").click()
        ascending = tab.eval_on_selector_all(
            "#learners tbody tr", "rows => rows.map(r => parseFloat(r.cells[2].innerText))"
        )
        tab.locator("#learners th button", has_text="total").click()
        descending = tab.eval_on_selector_all(
            "#learners tbody tr", "rows => rows.map(r => parseFloat(r.cells[2].innerText))"
        )
        browser.close()

    assert problems == []
    assert requests == []
    assert len(boxes) == 5
    assert all(height > 100 for height in boxes)
    assert text == ink  # chart text follows the page's ink, light or dark
    dark = scheme == "dark"
    assert background == ("rgb(13, 17, 23)" if dark else "rgb(255, 255, 255)")
    assert bar == ("rgb(110, 168, 254)" if dark else "rgb(59, 111, 182)")
    assert ascending == sorted(ascending)
    assert descending == sorted(ascending, reverse=True)


def test_checking_work_does_not_import_the_plotting_library() -> None:
    """check() in a notebook and the CLI start without matplotlib: only reports need it."""
    import subprocess
    import sys

    code = "import sys, grader.api, grader.cli; print('matplotlib' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert done.stdout.strip() == "False"


def test_chart_labels_are_text_not_markup_or_math() -> None:
    """A learner id or a test title with "$" or "<" draws as typed (no mathtext, no HTML)."""
    from grader.adapters import charts

    svg = charts.rows(["ada $x^2$ <script>", "bob"], [1, 2], "Times", "seconds", "d")

    assert "ada $x^2$ &lt;script&gt;" in svg
    assert "<script>" not in svg
