"""Exercise 01 in JupyterLab as a trainee sees it: ``make run``, then a real browser.

JupyterLab is started by ``make run`` itself (the trainee's settings: no nbgrader UI,
chapters as notebooks), with its state kept out of the checkout: the learner's
workspace (``$HEXAGON_WORKSPACE``), JupyterLab's user settings (autosave off, so the
release notebook is never written), its workspaces and the notebooks' checkpoints all
live in a temporary folder; the test fails if a file of the checkout changed.
Debian's chromium, headless, driven by Playwright, runs the notebook three times: with
the starter, with a boundary violation, with a correct answer. Screenshots go to
``artifacts/screenshots/lab-*.png``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from grader.adapters.manifest import reference_answers
from grader.notebook import NOT_HERE
from tests.exercises.support import app
from tests.test_docs_browser import ARGS, CHROMIUM, SHOTS

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = "01-adapter"
NOTEBOOK = ROOT / "exercises" / EXERCISE / f"{EXERCISE}.ipynb"
ANSWER = "data/data_quality/adapters/anomaly_detection.py"
VIOLATION = '''"""Reaches straight into another domain: the boundary check must catch it."""

from data.anomaly_detection.application.detection import AnomalyDetectionService
from shared.integration.domain_adapters import BaseDomainAdapter


class AnomalyDetectionAdapter(BaseDomainAdapter):
    domain_name = "anomaly_detection"

    async def detect_anomalies(self, dataset):
        return await self.call("detector", "detect", dataset)
'''

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def checkout() -> dict[str, str]:
    """The course's and exercises' files, with a digest of each: they must not change."""
    return {
        path.relative_to(ROOT).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for folder in ("course", "exercises")
        for path in sorted((ROOT / folder).rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``make run`` on a free port; yields the URL of exercise 01's notebook, token included."""
    state = tmp_path_factory.mktemp("lab")
    settings = state / "settings" / "@jupyterlab" / "docmanager-extension"
    settings.mkdir(parents=True)
    (settings / "plugin.jupyterlab-settings").write_text(json.dumps({"autosave": False}))
    token, port = secrets.token_hex(16), free_port()
    env = {
        **os.environ,
        "JUPYTER_TOKEN": token,
        "HEXAGON_WORKSPACE": str(state / "workspace"),
        "JUPYTERLAB_SETTINGS_DIR": str(state / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(state / "workspaces"),
    }
    before = checkout()
    server = subprocess.Popen(
        [
            "make",
            "--no-print-directory",
            "run",
            f"PORT={port}",
            f"LAB_OPTIONS=--FileCheckpoints.checkpoint_dir={state / 'checkpoints'}",
        ],
        cwd=ROOT,
        env=env,
        stdout=(state / "lab.log").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise AssertionError((state / "lab.log").read_text()) from None
            time.sleep(0.5)
    try:
        yield f"{base}/lab/tree/exercises/{EXERCISE}/{NOTEBOOK.name}?token={token}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=20)
    assert checkout() == before, "the browser session changed files of the checkout"


@pytest.fixture(scope="module")
def page(lab: str) -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        tab = context.new_page()
        tab.goto(lab, wait_until="domcontentloaded")
        tab.locator(".jp-NotebookPanel .jp-MarkdownCell.jp-mod-rendered").first.wait_for(
            timeout=90_000
        )
        wait_idle(tab)
        tab.wait_for_timeout(2_000)  # JupyterLab updates a notebook's metadata after start
        yield tab
        context.close()
        browser.close()


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"lab-{name}.png"))


def wait_idle(page: Any, seconds: float = 90) -> None:
    """Until the status bar says the notebook's kernel is idle."""
    page.locator(".jp-StatusBar-TextItem", has_text=re.compile(r"\| Idle")).first.wait_for(
        timeout=seconds * 1000
    )


def run_all(page: Any) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    page.wait_for_timeout(500)
    wait_idle(page, 120)


def set_answer(page: Any, source: str) -> None:
    """Replace the ``%%answer`` cell's text, as if typed (no auto-indent on a paste)."""
    cell = page.locator(".jp-CodeCell", has_text="%%answer").first
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(f"%%answer {ANSWER}\n{source}")
    page.keyboard.press("Escape")


def check_output(page: Any) -> Any:
    output = page.locator(".hexagon-check").last
    output.wait_for(timeout=60_000)
    return output


def hidden_titles() -> list[str]:
    exercise = app().exercises.get(EXERCISE)
    specs = app().grader.collector.collect(exercise, include_hidden=True)
    return [s.title for s in specs if s.hidden]


def assert_no_hidden_title(page: Any) -> None:
    text = page.locator(".jp-NotebookPanel:visible").inner_text()
    leaked = [title for title in hidden_titles() if title in text]
    assert leaked == []


def left_aligned(output: Any) -> list[str]:
    aligns: list[str] = output.locator("td, th").evaluate_all(
        "cells => cells.map(c => getComputedStyle(c).textAlign)"
    )
    return aligns


def test_the_notebook_opens_clean_and_without_the_instructor_ui(page: Any) -> None:
    shot(page, "01-opened")
    assert page.locator(".lm-DockPanel-tabBar .jp-mod-dirty").count() == 0  # not "unsaved"
    menus = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
    assert "Nbgrader" not in menus
    toolbar = page.locator(".jp-NotebookPanel-toolbar:visible").inner_text()
    assert "Validate" not in toolbar
    assert page.get_by_text("Create Assignment").count() == 0


def test_the_starter_says_what_is_not_written_yet(page: Any) -> None:
    run_all(page)
    output = check_output(page)

    assert set(left_aligned(output)) == {"left"}
    statuses = output.locator("td.status").all_inner_texts()
    assert statuses[:2] == ["✗ failed", "✗ failed"]
    assert "✓ kept" in statuses
    assert "`detect_anomalies` is not written yet" in output.inner_text()
    assert "gate" in output.locator("td").all_inner_texts()
    assert NOT_HERE in page.locator(".jp-NotebookPanel:visible").inner_text()
    assert_no_hidden_title(page)
    output.scroll_into_view_if_needed()
    shot(page, "02-starter")


def test_a_violation_shows_the_picture_and_the_chapter(page: Any) -> None:
    set_answer(page, VIOLATION)
    run_all(page)
    output = check_output(page)

    picture = output.locator("svg.boundary-picture")
    assert picture.count() == 1
    assert picture.get_attribute("data-forbidden") == (
        "data.data_quality.adapters.anomaly_detection -> "
        "data.anomaly_detection.application.detection"
    )
    assert f"{ANSWER}:3" in picture.locator("g.forbidden").inner_html()
    assert "✗ broken" in output.locator("td.status").all_inner_texts()
    link = output.locator("a.chapter")
    # JupyterLab resolves the relative link to the file and opens it in a tab on a click.
    assert "/course/patterns/domain-adapters.md" in (link.get_attribute("href") or "")
    assert set(left_aligned(output)) == {"left"}
    assert_no_hidden_title(page)
    picture.scroll_into_view_if_needed()
    shot(page, "03-violation")

    link.click()  # the chapter opens inside JupyterLab, as a notebook
    chapter = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text="domain-adapters.md")
    chapter.wait_for(timeout=30_000)
    page.locator(".jp-NotebookPanel:visible .jp-CodeCell").first.wait_for(timeout=30_000)
    shot(page, "04-chapter")
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=NOTEBOOK.name).click()


def test_a_correct_answer_names_the_next_exercise(page: Any) -> None:
    answers = reference_answers(app().exercises.get(EXERCISE))
    assert answers is not None
    set_answer(page, answers[ANSWER])
    run_all(page)
    output = check_output(page)

    statuses = output.locator("td.status").all_inner_texts()
    assert all(s in ("✓ passed", "✓ kept") for s in statuses), statuses
    step = output.locator(".next-step").inner_text()
    assert step.startswith("All public tests and checks pass.")
    assert "The hidden tests hold 4 more points" in step
    assert "Next exercise: 02-events." in step
    next_link = output.locator("a.next")
    assert "/exercises/02-events/02-events.ipynb" in (next_link.get_attribute("href") or "")
    assert_no_hidden_title(page)
    output.scroll_into_view_if_needed()
    shot(page, "05-correct")


def test_the_welcome_notebook_opens_clean_and_the_course_folder_starts_with_chapters(
    page: Any, lab: str
) -> None:
    page.goto(lab.replace(f"exercises/{EXERCISE}/{NOTEBOOK.name}", "course/00-welcome.ipynb"))
    page.locator(".jp-NotebookPanel:visible .jp-MarkdownCell.jp-mod-rendered").first.wait_for(
        timeout=90_000
    )
    wait_idle(page)
    page.wait_for_timeout(2_000)
    tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text="00-welcome.ipynb")
    assert "jp-mod-dirty" not in (tab.get_attribute("class") or "")
    text = page.locator(".jp-NotebookPanel:visible").inner_text()
    assert "Welcome: the kernel in three cells" in text
    assert "exercises/06-capstone" in text
    names = page.locator(".jp-DirListing-itemText").all_inner_texts()
    assert "_hooks" not in names
    assert "assets" not in names
    assert names[0] == "guides"
    shot(page, "06-welcome")
