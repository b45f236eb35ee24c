"""The course in the browser (``site/lite/``), end to end in headless Chromium.

The site is built once per session (``mkdocs build --strict``, which builds the lite app)
and served on 127.0.0.1; every request to another host is blocked and counted: zero.
Exercise 01's notebook is run as a learner would: the starter (check fails cleanly), a
correct answer (full public marks), a boundary violation (named as ``grader check`` names
it), a reload (the answer is still there), and the download, graded with ``grader grade``.
Then, in the same page, every exercise's variants are self-checked and compared with the
server's verdicts. Screenshots go to ``artifacts/screenshots/lite-*.png``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from grader import api
from tests import lite_support as lite
from tests.docs_support import ROOT, BuiltSite, build_site, serve
from tests.exercises import test_01_adapter as adapter
from tests.test_lite_parity import VARIANTS, key, server_verdicts

SHOTS = ROOT / "artifacts" / "screenshots"
NOTEBOOK = "exercises/01-adapter/01-adapter.ipynb"
ANSWER = "%%answer data/data_quality/adapters/anomaly_detection.py"
CORRECT = next(iter(adapter.CORRECT.values()))
VIOLATION = adapter.WRONG["imports the other domain"]
VIOLATION = VIOLATION if isinstance(VIOLATION, str) else VIOLATION[0]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not lite.CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    built = build_site(tmp_path_factory)
    if not (built.folder / "lite" / "notebooks" / "index.html").is_file():
        pytest.skip("the lite app was not built: run 'make setup' (npm and the wheels)")
    return built


@pytest.fixture(scope="module")
def base_url(site: BuiltSite) -> Iterator[str]:
    with serve(site.folder) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(lite.CHROMIUM), args=lite.ARGS)
        yield chromium
        chromium.close()


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"lite-{name}.png"))


def answer_cell(source: str) -> str:
    return f"{ANSWER}\n{source}"  # as is: its line numbers are the server's


def test_the_build_reports_the_lite_apps_size(site: BuiltSite) -> None:
    assert "in-browser course:" in site.output
    assert " MB in " in site.output


def test_exercise_01_in_the_browser_end_to_end(browser: Any, base_url: str, tmp_path: Path) -> None:
    context, traffic = lite.open_context(browser, base_url)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # The starter: check() runs and fails cleanly, each test saying why, no traceback.
    lite.open_notebook(page, base_url, NOTEBOOK)
    lite.run_all(page)
    starter = lite.run_cell(page, "check()")
    shot(page, "starter")
    assert "Self-check in your browser" in starter
    assert "0 of 3 points: 0 of 2 tests passed." in starter
    assert "NotImplementedError" in starter
    assert "Traceback" not in page.locator(".jp-Notebook").inner_text()

    # A correct answer: full public marks.
    lite.set_source(page, ANSWER, answer_cell(CORRECT))
    saved = lite.run_cell(page, ANSWER)
    assert "saved data/data_quality/adapters/anomaly_detection.py and imported" in saved
    correct = lite.run_cell(page, "check()")
    shot(page, "correct")
    assert "3 of 3 points: 2 of 2 tests passed." in correct

    # A boundary violation: named as the server names it.
    lite.set_source(page, ANSWER, answer_cell(VIOLATION))
    lite.run_cell(page, ANSWER)
    broken = lite.run_cell(page, "check()")
    shot(page, "violation")
    server = api.check("01-adapter", _workspace(tmp_path / "server", VIOLATION))
    (contract,) = [c for c in server.contracts if not c.kept]
    assert f"boundary check '{contract.id}' broken (score capped at 0)" in broken
    for violation in contract.violations:
        assert f"{violation.file}:{violation.line}" in broken
        assert violation.message in broken

    # Back to the correct answer, saved; a reload finds it in the notebook and the workspace.
    lite.set_source(page, ANSWER, answer_cell(CORRECT))
    lite.run_cell(page, ANSWER)
    lite.save(page)
    page.reload()
    lite.open_notebook(page, base_url, NOTEBOOK)
    assert "async def detect_anomalies" in lite.code_cells(page)[lite.cell_index(page, ANSWER)]
    assert "raise NotImplementedError" not in lite.code_cells(page)[lite.cell_index(page, ANSWER)]
    lite.run_cell(page, "%load_ext grader.lite")
    after_reload = lite.run_cell(page, "check()")  # the answer cell was not run again
    shot(page, "after-reload")
    assert "3 of 3 points" in after_reload

    # The hand-in: the downloaded zip is graded by `grader grade`, hidden tests included.
    lite.run_cell(page, "download_submission()")
    shot(page, "download")
    with page.expect_download() as download:
        page.locator("a.download-submission").click()
    archive = tmp_path / "submission.zip"
    download.value.save_as(archive)
    graded = subprocess.run(
        [
            sys.executable,
            "-m",
            "grader",
            "grade",
            "01-adapter",
            str(archive),
            "--out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert graded.returncode == 0, graded.stdout + graded.stderr
    report = json.loads((tmp_path / "out" / "01-adapter.json").read_text(encoding="utf-8"))
    assert (report["score"], report["max_score"]) == (7, 7)

    context.close()
    assert traffic.outside == []
    assert errors == []


def _workspace(folder: Path, source: str) -> Path:
    target = folder / adapter.PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(source, encoding="utf-8")
    return folder


def browser_variants(per_exercise: int = 2) -> list[tuple[str, str, dict[str, str]]]:
    """Per exercise: the reference, the starter and its first wrong answers
    (every variant is compared in plain CPython, ``tests/test_lite_parity.py``)."""
    chosen: list[tuple[str, str, dict[str, str]]] = []
    for variant in sorted(VARIANTS, key=lambda v: (v[0], not v[1].startswith("wrong"))):
        if sum(v[0] == variant[0] for v in chosen) < per_exercise or variant[1] in (
            "reference",
            "starter",
        ):
            chosen.append(variant)
    return chosen


PARITY_CELL = """
from dataclasses import replace
import json
from pyodide.http import pyfetch
from grader import lite
from grader.application.batch import grade_safely
from grader.domain.submission import Submission

variants = await (await pyfetch("{url}")).json()
found = {{}}
for exercise_id, name, answers in variants:
    exercise = replace(lite.page_app().exercises.get(exercise_id), coverage=None)
    submission = Submission("parity", answers, "test")
    result = grade_safely(lite.page_app().grader, exercise, submission, include_hidden=False)
    found[exercise_id + " | " + name] = {{
        **{{t.id: t.outcome.value for t in result.tests}},
        **{{"contract " + c.id: "kept" if c.kept else "broken" for c in result.contracts}},
        "score": f"{{result.score}}/{{result.max_score}}",
    }}
print("PARITY" + json.dumps(found))
"""


def test_every_exercise_gets_the_servers_verdicts_in_the_page(
    browser: Any, base_url: str, site: BuiltSite
) -> None:
    variants = browser_variants()
    expected = {key(e, n): server_verdicts()[key(e, n)] for e, n, _ in variants}
    # Served for this test only (it holds reference answers): gone before any leak check.
    served = site.folder / "parity-variants.json"
    served.write_text(json.dumps(variants), encoding="utf-8")
    try:
        context, traffic = lite.open_context(browser, base_url)
        page = context.new_page()
        lite.open_notebook(page, base_url, NOTEBOOK)
        lite.run_cell(page, "%load_ext grader.lite")
        lite.set_source(page, "check()", PARITY_CELL.format(url=f"{base_url}{served.name}"))
        output = lite.run_cell(page, "PARITY", timeout=600_000)
        shot(page, "parity")
        found = json.loads(output.split("PARITY", 1)[1].strip())
        context.close()
    finally:
        served.unlink()

    assert {k: v for k, v in found.items() if v != expected[k]} == {}
    assert set(found) == set(expected)
    assert traffic.outside == []
