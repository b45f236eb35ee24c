"""The built site in a real browser: Debian's chromium, headless, driven by Playwright.

The site is built once per session (see ``tests/docs_support.py``) and served on
127.0.0.1 by a ``http.server`` thread. Every test fails on a console error or an
uncaught page error. Screenshots go to ``artifacts/screenshots/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.docs_support import ROOT, BuiltSite, build_site, serve

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "artifacts" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Material draws mermaid diagrams in a closed shadow root; open it so tests can look in.
OPEN_SHADOW_ROOTS = """
const attach = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) {
  return attach.call(this, {...init, mode: "open"});
};
"""

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site: BuiltSite = build_site(tmp_path_factory)
    with serve(site.folder) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page that records console errors and uncaught exceptions."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.add_init_script(OPEN_SHADOW_ROOTS)
    problems: list[str] = []
    tab.on(
        "console",
        lambda message: (
            problems.append(f"console {message.type}: {message.text}")
            if message.type == "error"
            else None
        ),
    )
    tab.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    tab.problems = problems
    yield tab
    context.close()
    assert problems == []


def shot(page: Any, name: str, *, full_page: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def open_page(page: Any, url: str, wait_until: str = "networkidle") -> Any:
    response = page.goto(url, wait_until=wait_until)
    assert response is not None
    assert response.status == 200, url
    return response


def test_the_home_page_renders_in_light_and_dark(page: Any, base_url: str) -> None:
    open_page(page, base_url)
    assert page.locator("h1").first.inner_text().startswith("Cross-domain integration patterns")
    assert page.locator(".md-tabs__link").count() >= 5
    page.locator(".mermaid svg").first.wait_for(timeout=10_000)
    shot(page, "home-light")

    scheme = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    page.locator("form[data-md-component=palette] label:visible").first.click()
    page.wait_for_function(
        f"document.body.getAttribute('data-md-color-scheme') !== '{scheme}'", timeout=5_000
    )
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    shot(page, "home-dark")


def test_every_page_in_the_nav_opens(page: Any, base_url: str) -> None:
    open_page(page, base_url)
    links = page.eval_on_selector_all(
        "nav.md-nav--primary a.md-nav__link[href]", "links => links.map(a => a.href)"
    )
    urls = sorted({link.split("#")[0] for link in links if link.startswith(base_url)})
    assert len(urls) >= 30
    untitled = []
    for url in urls:
        open_page(page, url, wait_until="domcontentloaded")
        if page.locator("article h1").count() < 1:
            untitled.append(url)
    assert untitled == []


def test_searching_saga_finds_the_saga_chapter(page: Any, base_url: str) -> None:
    open_page(page, base_url)
    page.locator(".md-search__input").click()
    page.keyboard.type("saga", delay=30)  # typed, as a reader would: search runs on keyup
    results = page.locator(".md-search-result__item a")
    results.first.wait_for(timeout=10_000)
    hrefs = results.evaluate_all("links => links.map(a => a.href)")
    assert any("/patterns/saga/" in href for href in hrefs), hrefs
    shot(page, "search-saga")


def test_a_notebook_page_shows_code_and_outputs(page: Any, base_url: str) -> None:
    open_page(page, base_url + "patterns/saga-walkthrough/")
    assert page.locator(".jp-CodeCell").count() >= 10
    outputs = page.locator(".jp-OutputArea-output")
    assert outputs.count() >= 10
    assert "compensated" in " ".join(outputs.all_inner_texts())
    page.locator("h2#failure-1-a-step-fails-and-the-saga-rolls-back").scroll_into_view_if_needed()
    shot(page, "notebook-saga")


def test_the_mermaid_diagrams_render_as_svg(page: Any, base_url: str) -> None:
    open_page(page, base_url + "dependencies/")
    diagram = page.locator(".mermaid svg").first
    diagram.wait_for(timeout=10_000)
    labels = " ".join(page.locator(".mermaid svg .nodeLabel").all_text_contents())
    for domain in ("data.data_quality", "ai.mlops", "integrations.cloud", "shared"):
        assert domain in labels
    assert page.locator("pre.mermaid").count() == 0  # no diagram left as source text
    shot(page, "dependency-graph")

    open_page(page, base_url + "patterns/saga/")
    page.locator(".mermaid svg").first.wait_for(timeout=10_000)
    assert "compensate" in (page.locator(".mermaid svg").first.text_content() or "")
    page.locator(".mermaid").first.scroll_into_view_if_needed()
    shot(page, "saga-sequence")


def test_the_troubleshooting_chapter_shows_a_broken_boundary(page: Any, base_url: str) -> None:
    open_page(page, base_url + "troubleshooting/")
    picture = page.locator("svg.boundary-picture")
    assert picture.count() == 1
    assert picture.bounding_box()["width"] > 600  # readable, not squeezed
    picture.scroll_into_view_if_needed()
    shot(page, "troubleshooting-picture")


def test_the_api_reference_and_an_exercise_page_render(page: Any, base_url: str) -> None:
    open_page(page, base_url + "reference/api/saga/")
    assert page.locator("[id='shared.integration.saga.SagaOrchestrator']").count() == 1
    shot(page, "api-saga")
    open_page(page, base_url + "exercises/")
    assert page.locator("article h1").inner_text().startswith("Exercises")
    shot(page, "exercises")
