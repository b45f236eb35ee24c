"""The lite app's build (``course/_hooks/lite.py``): what goes into the browser, and what
never does. Fast checks on the hook's inputs, and slow ones on the built site."""

from __future__ import annotations

import functools
import hashlib
import json
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.docs_support import ROOT, BuiltSite, build_site
from tests.exercises.support import MARKERS, secret_lines
from tests.test_docs_site import hook

lite = hook("lite")


def hidden_test_names() -> set[str]:
    names = set()
    for manifest in (ROOT / "exercises").glob("*/exercise.toml"):
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
        names |= {Path(p).name for p in data.get("hidden_tests", [])}
    return names


@functools.cache
def secrets() -> frozenset[str]:
    return frozenset(secret_lines())


def leaks(texts: dict[str, str]) -> list[str]:
    """Secret lines, solution markers or hidden test files among ``texts`` (name -> text)."""
    found = [n for n in texts if Path(n).name in hidden_test_names() or "solutions/" in n]
    for name, text in texts.items():
        if not name.split(".whl/")[-1].startswith("grader/"):  # the grader names the markers
            found += [f"{name}: {m}" for m in MARKERS if m in text]
        found += [f"{name}: {s[:60]}" for s in secrets() if s in text]
    return found


def test_the_course_wheel_holds_public_material_only() -> None:
    files = lite.wheel_files()

    assert "hexagon_course/src/packages/.importlinter" in files
    assert "grader/lite.py" in files
    assert "hexagon_course/exercises/01-adapter/tests/test_adapter.py" in files
    texts = {n: d.decode("utf-8") for n, d in files.items()}
    assert leaks(texts) == []


def test_the_contents_hold_chapters_walkthroughs_and_exercises(tmp_path: Path) -> None:
    contents, wheels = lite.stage(tmp_path / "stage")
    names = {p.relative_to(contents).as_posix() for p in contents.rglob("*") if p.is_file()}

    assert "course/boundaries.ipynb" in names  # a Markdown chapter, as a notebook
    assert "course/patterns/saga-walkthrough.ipynb" in names
    for exercise in (ROOT / "exercises").glob("*/exercise.toml"):
        assert f"exercises/{exercise.parent.name}/README.md" in names
        assert f"exercises/{exercise.parent.name}/{exercise.parent.name}.ipynb" in names
    texts = {n: (contents / n).read_text(encoding="utf-8") for n in names}
    assert leaks(texts) == []
    assert any(w.name.startswith("hexagon_course_lite-") for w in wheels)


def test_a_release_notebook_loads_the_browser_grader_and_hands_in() -> None:
    text = (ROOT / "exercises/01-adapter/01-adapter.ipynb").read_text(encoding="utf-8")

    cells = json.loads(lite.exercise_notebook(text))["cells"]
    sources = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]

    assert "%load_ext grader.lite" in sources[0]
    assert "%pip install -q hexagon-course-lite" in sources[0]
    assert not any("grader.notebook" in s or "autograde(" in s for s in sources)
    assert "download_submission()" in sources[-1]


def test_a_chapter_becomes_a_notebook_that_installs_the_course() -> None:
    notebook = json.loads(lite.chapter_notebook(ROOT / "course/patterns/event-bus.md"))

    first = "".join(notebook["cells"][0]["source"])
    assert "%pip install -q hexagon-course-lite" in first
    assert any(c["cell_type"] == "code" for c in notebook["cells"][1:])  # its samples run


def test_the_kernel_settings_keep_the_page_offline() -> None:
    data = lite.lite_config()["jupyter-config-data"]
    kernel = data["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]

    assert kernel["disablePyPIFallback"] is True
    assert "//" not in kernel["pyodideUrl"]


def test_every_chapter_walkthrough_and_exercise_page_opens_in_the_browser() -> None:
    assert lite.lite_path("exercises/01-adapter.md") == "exercises/01-adapter/01-adapter.ipynb"
    assert lite.lite_path("patterns/saga-walkthrough.ipynb") == (
        "course/patterns/saga-walkthrough.ipynb"
    )
    assert lite.lite_path("boundaries.md") == "course/boundaries.ipynb"
    assert lite.lite_path("reference/api/saga.md") is None


@pytest.mark.skipif(
    not lite.PYODIDE.joinpath("pyodide-lock.json").is_file(), reason="no npm pyodide"
)
def test_pyodides_lock_lists_exactly_the_wheels_served(tmp_path: Path) -> None:
    lite.serve_pyodide(tmp_path)

    lock = json.loads((tmp_path / "pyodide-lock.json").read_text(encoding="utf-8"))
    assert set(lock["packages"]) == set(lite.KERNEL_BOOT)
    for entry in lock["packages"].values():
        wheel = tmp_path / entry["file_name"]
        assert hashlib.sha256(wheel.read_bytes()).hexdigest() == entry["sha256"]


# ---------------------------------------------------------------- the built site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    built = build_site(tmp_path_factory)
    if not (built.folder / "lite").is_dir():
        pytest.skip("the lite app was not built: run 'make setup' (npm and the wheels)")
    return built


@pytest.mark.slow
def test_nothing_from_solutions_reaches_the_lite_app_even_inside_wheels(site: BuiltSite) -> None:
    texts: dict[str, str] = {}
    for wheel in (site.folder / "lite").rglob("hexagon_course_lite-*.whl"):  # ours
        with zipfile.ZipFile(wheel) as archive:
            for name in archive.namelist():
                texts[f"{wheel.name}/{name}"] = archive.read(name).decode("utf-8", "replace")
    for path in (site.folder / "lite" / "files").rglob("*"):
        if path.is_file():
            texts[path.as_posix()] = path.read_text(encoding="utf-8", errors="replace")

    assert any("hexagon_course_lite" in n for n in texts)
    assert leaks(texts) == []


@pytest.mark.slow
def test_the_lite_app_names_no_other_host(site: BuiltSite) -> None:
    """Its config and lock point at the site itself; the CDN default is overridden."""
    config = (site.folder / "lite" / "jupyter-lite.json").read_text(encoding="utf-8")
    lock = (site.folder / "lite" / "static" / "pyodide" / "pyodide-lock.json").read_text()

    assert "://" not in json.dumps(json.loads(lock)["packages"])
    assert '"disablePyPIFallback": true' in config
    assert "../static/pyodide/pyodide.mjs" in config
