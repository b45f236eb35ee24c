"""The docs site: its code samples, its hooks, and the site `mkdocs build --strict` makes.

Fast tests run the Markdown pages' samples and the hooks' functions; the slow ones
build the site once per session into a temporary folder and read what was built.
"""

from __future__ import annotations

import html
import importlib.util
import json
import re
import sys
import tomllib
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.docs_support import (
    COURSE,
    ROOT,
    BuiltSite,
    build_site,
    pages_with_samples,
    run_page_sync,
)
from tests.exercises.support import answers_given, bank_key

HOOKS = COURSE / "_hooks"
SVG = "{http://www.w3.org/2000/svg}"
SOLUTION_MARKERS = ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS")
THIRD_PARTY_ASSETS = (
    *("assets/javascripts/", "assets/stylesheets/", "assets/vendor/"),
    *("lite/build/", "lite/static/", "lite/extensions/"),  # JupyterLab and Pyodide themselves
)


def hook(name: str) -> ModuleType:
    """Import one of the site's hooks from its file, as mkdocs does."""
    spec = importlib.util.spec_from_file_location(f"docs_hook_{name}", HOOKS / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------- the pages' code samples


@pytest.mark.parametrize(
    "page", pages_with_samples(), ids=lambda p: p.relative_to(COURSE).as_posix()
)
def test_page_samples_run_and_print_what_the_page_shows(page: Path) -> None:
    for sample, printed in run_page_sync(page):
        if sample.output is not None:
            assert printed == sample.output, f"{sample.page}:{sample.line}"


def test_the_chapters_have_samples_with_shown_output() -> None:
    pages = {p.relative_to(COURSE).as_posix() for p in pages_with_samples()}
    assert {
        "boundaries.md",
        "patterns/domain-adapters.md",
        "patterns/event-bus.md",
        "patterns/saga.md",
        "security-and-compliance.md",
    } <= pages


def test_the_layout_in_the_boundaries_chapter_is_the_real_one() -> None:
    text = (COURSE / "boundaries.md").read_text(encoding="utf-8")
    tree = text.split("```text\nsrc/packages/\n", 1)[1].split("```", 1)[0]
    path: list[str] = []
    named = []
    for line in tree.splitlines():
        match = re.match(r"^([│ ]*)[├└]── (\w+)/", line)
        if match:
            depth = len(match.group(1)) // 4
            path[depth:] = [match.group(2)]
            named.append("/".join(path))
    assert len(named) >= 15
    assert [n for n in named if not (ROOT / "src/packages" / n).is_dir()] == []


# ---------------------------------------------------------------- the hooks


def test_exercise_hook_says_so_when_there_is_no_exercise(tmp_path: Path) -> None:
    exercises = hook("exercise_pages")
    pages = exercises.find_exercises(tmp_path)
    assert pages == []
    assert "no exercise in this course yet" in exercises.index_markdown(pages)


def test_exercise_hook_shows_the_statement_and_nothing_else(tmp_path: Path) -> None:
    exercises = hook("exercise_pages")
    folder = tmp_path / "exercises" / "07-demo"
    folder.mkdir(parents=True)
    (folder / "exercise.toml").write_text(
        'id = "07-demo"\ntitle = "A demo"\npoints = 3\nsection = "course/boundaries.md"\n'
        'answer_files = ["data/x.py"]\nhidden_tests = ["hidden/test_secret_name.py"]\n'
        'hints = ["the first hint"]\n',
        encoding="utf-8",
    )
    (folder / "README.md").write_text(
        "# Exercise 07 · A demo\n\n**Points:** 3 · **Read first:** boundaries\n\n"
        "## Task\n\nOpen [the notebook](07-demo.ipynb) and write `x`.\n",
        encoding="utf-8",
    )
    (pages,) = [exercises.find_exercises(tmp_path / "exercises")]
    markdown = exercises.exercise_markdown(pages[0], COURSE)

    assert markdown.startswith("# A demo\n")
    assert "**3 points**" in markdown
    assert "read first: [Domain boundaries and why they matter](../boundaries.md)" in markdown
    assert "### Task" in markdown  # headings one level down under the page's title
    assert "the notebook (`exercises/07-demo/07-demo.ipynb`)" in markdown  # no broken link
    assert "**Points:**" not in markdown  # the statement's own header line is not repeated
    assert "test_secret_name" not in markdown
    assert "the first hint" not in markdown
    assert "[A demo](07-demo.md)" in exercises.index_markdown(pages)


def test_exercise_hook_never_opens_solutions() -> None:
    source = (HOOKS / "exercise_pages.py").read_text(encoding="utf-8")
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("#"))
    assert "solutions" not in code.split('"""', 2)[2]  # only the module docstring names it


def test_grader_cli_reference_covers_every_command() -> None:
    from grader.cli import parser

    text = hook("grader_cli").render(parser())
    commands = re.findall(r"^## `grader (\w+)`$", text, re.MULTILINE)
    assert commands
    assert set(commands) >= {"check", "grade", "batch", "validate"}
    assert "usage: grader grade" in text
    assert "`--jobs` `JOBS`" in text


def test_dependency_graph_is_read_from_the_real_imports() -> None:
    graph = hook("dependency_graph")
    domains, edges = graph.unit_edges(ROOT / "src/packages")
    assert len(domains) == 7
    assert "ai.machine_learning" in domains
    assert [(s, t) for s, t in edges if s in domains and t in domains] == []
    assert all(("deployment", d) in edges for d in domains)


def test_dependency_graph_draws_a_crossing_in_red() -> None:
    graph = hook("dependency_graph")
    domains = ("data.data_quality", "ai.machine_learning")
    edges = Counter({("data.data_quality", "ai.machine_learning"): 2})
    text = graph.render(domains, edges)
    assert "data_data_quality -->|2| ai_machine_learning" in text
    assert "linkStyle 0 stroke:#d32f2f" in text
    assert '!!! failure "Domain-to-domain imports: 1"' in text


# ---------------------------------------------------------------- the built site


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    return build_site(tmp_path_factory)


def page_text(site: BuiltSite, relative: str) -> str:
    return (site.folder / relative).read_text(encoding="utf-8")


INLINE_TAG = re.compile(r"</?(?:span|a|code|em|strong|b|i|mark|kbd|small|sub|sup)\b[^>]*>", re.I)


def visible_text(markup: str) -> str:
    """Text as a reader sees it: inline tags vanish, block tags separate words."""
    text = re.sub(r"<[^>]+>", " ", INLINE_TAG.sub("", markup))
    return " ".join(html.unescape(text).split())


def _lines(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return []
    if path.suffix == ".ipynb":
        cells = json.loads(text).get("cells", [])
        sources = ("".join(c.get("source", "")) for c in cells)
        return [line for source in sources for line in source.splitlines()]
    return text.splitlines()


def _long_lines(folder: Path) -> set[str]:
    return {
        " ".join(line.split())
        for path in folder.rglob("*")
        if path.is_file()
        for line in _lines(path)
        if len(" ".join(line.split())) >= 30
    }


def _strings(data: Any) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for value in data.values() for s in _strings(value)]
    if isinstance(data, list):
        return [s for value in data for s in _strings(value)]
    return []


def site_corpus(site: BuiltSite) -> str:
    """The readable text of every built file, tags stripped and entities decoded."""
    texts = []
    for path in sorted(site.folder.rglob("*")):
        relative = path.relative_to(site.folder).as_posix()
        if not path.is_file() or relative.startswith(THIRD_PARTY_ASSETS):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if path.suffix == ".json":
            text = "\n".join(_strings(json.loads(text)))
        texts.append(visible_text(text) if path.suffix in (".html", ".json") else text)
    return " ".join(" ".join(texts).split())


@pytest.mark.slow
def test_the_site_builds_strictly_without_warnings(site: BuiltSite) -> None:
    assert "WARNING" not in site.output
    assert (site.folder / "index.html").is_file()
    assert (site.folder / "search" / "search_index.json").is_file()


def test_the_leak_check_sees_text_split_by_markup(tmp_path: Path) -> None:
    """A solution line survives syntax highlighting and entities: the check still finds it."""
    (tmp_path / "page").mkdir()
    (tmp_path / "page" / "index.html").write_text(
        '<pre><span class="k">return</span> <span class="n">detector</span>.'
        "detect(dataset) &amp;&amp; &quot;x&quot;</pre>",
        encoding="utf-8",
    )
    corpus = site_corpus(BuiltSite(tmp_path, "", 0.0))
    assert 'return detector.detect(dataset) && "x"' in corpus


@pytest.mark.slow
def test_nothing_from_solutions_reaches_the_site(site: BuiltSite) -> None:
    # Lines only instructors have: solutions/ minus what is released in exercises/; an
    # import line names a public module and tells nothing.
    # Released: the exercises and the learners' world (src/packages), also as part of a
    # longer line (the browser course serves both).
    released = _long_lines(ROOT / "exercises") | _long_lines(ROOT / "src/packages")
    secret = {
        line
        for line in _long_lines(ROOT / "solutions") - released
        if not line.startswith(("from ", "import "))
        and not any(line in public for public in released)
    }
    corpus = site_corpus(site)
    assert [line for line in secret if line in corpus] == []
    # The knowledge check's graded answers are short: look for them as answers.
    key = bank_key()
    assert [pair for pair in answers_given(corpus) if key.get(pair[0]) == pair[1]] == []

    # Wheels are zips: tests/test_lite_build.py opens them (the grader's code in the course
    # wheel names the markers it strips; compressed, a name may still show in the bytes).
    everything = [
        p.read_bytes().decode("utf-8", "replace")
        for p in site.folder.rglob("*")
        if p.is_file() and p.suffix != ".whl"
    ]
    for marker in SOLUTION_MARKERS:
        assert not any(marker in text for text in everything), marker

    # The check can see text: every released statement's first line is on the site.
    for statement in sorted((ROOT / "exercises").glob("*/README.md")):
        paragraphs = statement.read_text(encoding="utf-8").split("\n\n")
        body = [
            p for p in paragraphs if not p.startswith(("#", "**Points:**", "**Expected time:**"))
        ]
        assert " ".join(body[0].replace("`", "").split())[:60] in corpus.replace("`", "")


@pytest.mark.slow
def test_the_api_reference_documents_the_kernel(site: BuiltSite) -> None:
    text = "".join(
        visible_text(page_text(site, f"reference/api/{name}/index.html"))
        for name in ("event-bus", "saga", "adapters", "security", "interfaces", "bootstrap")
    )
    for name in (
        "EventBus",
        "DomainEvent",
        "SagaOrchestrator",
        "SagaStep",
        "SqliteSagaLog",
        "DomainServiceLocator",
        "BaseDomainAdapter",
        "DataQualityAdapter",
        "SecurityContext",
        "require_permission",
        "ComplianceFramework",
        "DataSet",
        "bootstrap",
    ):
        assert name in text, name
    assert ":class:" not in text  # Sphinx roles tidied by the api_roles hook


@pytest.mark.slow
def test_the_dependency_diagram_has_the_real_domains(site: BuiltSite) -> None:
    markup = page_text(site, "dependencies/index.html")
    diagram = markup.split('class="mermaid"', 1)[1].split("</pre>", 1)[0]
    domains = hook("dependency_graph").read_domains(ROOT / "src/packages")
    for domain in domains:
        assert f'["{domain}"]' in html.unescape(diagram), domain
    assert "No domain imports another domain" in markup


def test_the_troubleshooting_chapter_shows_the_picture_check_draws(site: BuiltSite) -> None:
    markup = page_text(site, "troubleshooting/index.html")
    svg = markup.split('<div class="boundary-picture-example">', 1)[1].split("</div>", 1)[0]
    root = ET.fromstring(svg)
    assert root.get("data-forbidden") == (
        "data.data_quality.adapters.anomaly_detection -> "
        "data.anomaly_detection.application.detection"
    )
    forbidden = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "forbidden")
    assert "data/data_quality/adapters/anomaly_detection.py:3" in "".join(forbidden.itertext())


@pytest.mark.slow
def test_the_exercises_section_matches_the_exercises_folder(site: BuiltSite) -> None:
    manifests = sorted((ROOT / "exercises").glob("*/exercise.toml"))
    index = visible_text(page_text(site, "exercises/index.html"))
    if not manifests:
        assert "no exercise in this course yet" in index
    for manifest in manifests:
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
        page = visible_text(page_text(site, f"exercises/{manifest.parent.name}/index.html"))
        assert data["title"] in index
        assert data["title"] in page
        assert f"{data['points']:g} point" in page


@pytest.mark.slow
def test_the_grader_cli_page_is_generated(site: BuiltSite) -> None:
    text = visible_text(page_text(site, "reference/grader-cli/index.html"))
    for command in ("grader check", "grader grade", "grader batch", "grader validate"):
        assert command in text
    assert "generated: grader-cli" not in text


@pytest.mark.slow
def test_notebook_pages_show_code_and_outputs(site: BuiltSite) -> None:
    markup = page_text(site, "patterns/saga-walkthrough/index.html")
    assert "jp-CodeCell" in markup
    assert "jp-OutputArea-output" in markup
    assert "saga &#39;ml_pipeline&#39; compensated" in markup or (
        "saga 'ml_pipeline' compensated" in visible_text(markup)
    )


@pytest.mark.slow
def test_the_site_loads_nothing_from_other_hosts(site: BuiltSite) -> None:
    """Scripts, styles and fonts are all served by the site: it works offline."""
    remote = re.compile(r"<(?:script|link)\b[^>]*\b(?:src|href)=\"(?:https?:)?//", re.I)
    offenders = [
        p.relative_to(site.folder).as_posix()
        for p in site.folder.rglob("*.html")
        if remote.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-v"]))
