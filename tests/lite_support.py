"""Driving the course in the browser (``site/lite/``) with Playwright: shared by the browser
test and the benchmark.

Every request to a host other than the local server is blocked and recorded: the page
must make none. A notebook is driven as a learner would: cells are edited by typing into
them (text inserted as one input, so the editor adds no indentation) and run from the
keyboard or the Run menu.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
EDITORS_READY = (
    "() => { const cells = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')];"
    " return cells.length > 0 && cells.every(c => c.querySelector('.cm-content')); }"
)
KERNEL_BUSY = (
    "() => [...document.querySelectorAll('.jp-InputPrompt')].some(p => p.textContent.includes('*'))"
)


@dataclass
class Traffic:
    """What the page asked for: requests to other hosts (blocked), and local failures."""

    base: str
    outside: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith((self.base, "data:", "blob:")):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def response(self, response: Any) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.status} {response.url}")


def open_context(browser: Any, base: str) -> tuple[Any, Traffic]:
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    traffic = Traffic(base)
    context.route("**/*", traffic.route)
    context.on("response", traffic.response)
    return context, traffic


def open_notebook(page: Any, base: str, path: str) -> None:
    page.goto(f"{base}lite/notebooks/index.html?path={path}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
    page.wait_for_function(EDITORS_READY, timeout=120_000)
    # The notebook draws its cells a few at a time: wait until their number settles.
    counts = [-1]
    while len(counts) < 4 or len(set(counts[-4:])) > 1:
        page.wait_for_timeout(400)
        counts.append(len(code_cells(page)))


def code_cells(page: Any) -> list[str]:
    """The source of each code cell, in order."""
    sources: list[str] = page.eval_on_selector_all(
        ".jp-Notebook .jp-CodeCell .jp-InputArea-editor",
        "nodes => nodes.map(n => n.querySelector('.cm-content').innerText)",
    )
    return sources


def cell_index(page: Any, needle: str) -> int:
    """The first code cell that is ``needle``, else the first that holds it."""
    sources = code_cells(page)
    for index, source in enumerate(sources):
        if source.strip() == needle:
            return index
    for index, source in enumerate(sources):
        if needle in source:
            return index
    raise AssertionError(f"no code cell holds {needle!r}")


def code_cell(page: Any, needle: str) -> Any:
    return page.locator(".jp-Notebook .jp-CodeCell").nth(cell_index(page, needle))


def wait_idle(page: Any, timeout: float = 240_000) -> None:
    page.wait_for_timeout(300)
    page.wait_for_function(f"() => !({KERNEL_BUSY})()", timeout=timeout)


def run_cell(page: Any, needle: str, timeout: float = 240_000) -> str:
    """Run the code cell holding ``needle``; returns its output text."""
    cell = code_cell(page, needle)
    cell.locator(".cm-content").click()
    page.keyboard.press("Shift+Enter")
    wait_idle(page, timeout)
    return str(code_cell(page, needle).locator(".jp-OutputArea").inner_text())


def set_source(page: Any, needle: str, source: str) -> None:
    """Replace the source of the code cell holding ``needle`` by typing ``source``."""
    editor = code_cell(page, needle).locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(source)


def run_all(page: Any, timeout: float = 240_000) -> float:
    """Run every cell from the Run menu; returns the seconds until the kernel is idle."""
    started = time.perf_counter()
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_text("Run All Cells", exact=True).click()
    wait_idle(page, timeout)
    return time.perf_counter() - started


def save(page: Any) -> None:
    page.keyboard.press("Escape")
    page.keyboard.press("Control+s")
    page.wait_for_timeout(1000)
