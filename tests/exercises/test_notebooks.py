"""Every exercise notebook runs top to bottom in a fresh kernel: starters fail their checks
cleanly (no traceback), solutions earn full marks."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from grader.adapters.manifest import load_manifest
from grader.notebook import GRADING_ENV, NOT_HERE
from tests.exercises.support import ROOT, app

IDS = sorted(p.parent.name for p in (ROOT / "solutions").glob("*/exercise.toml"))
pytestmark = pytest.mark.slow


def run(notebook: Path, tmp_path: Path) -> nbformat.NotebookNode:
    """Execute a copy in a folder named like the exercise, as a learner would."""
    folder = tmp_path / notebook.parent.name
    folder.mkdir()
    copy = folder / notebook.name
    shutil.copy(notebook, copy)
    executed = nbformat.read(copy, as_version=4)
    NotebookClient(
        executed, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    ).execute()
    return executed


def outputs(notebook: nbformat.NotebookNode) -> list[dict[str, object]]:
    return [output for cell in notebook.cells for output in cell.get("outputs", [])]


def graded_score(notebook: nbformat.NotebookNode) -> float:
    cell = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade"))
    (result,) = [o for o in cell.outputs if o["output_type"] == "execute_result"]
    return float(result["data"]["text/plain"])


@pytest.mark.parametrize("exercise", IDS)
def test_the_solution_notebook_earns_full_marks(
    exercise: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(GRADING_ENV, "autograde")  # as nbgrader autograde runs it
    executed = run(ROOT / "solutions" / exercise / f"{exercise}.ipynb", tmp_path)
    points = load_manifest(ROOT / "exercises" / exercise, ROOT / "solutions").points

    assert [o for o in outputs(executed) if o["output_type"] == "error"] == []
    if exercise != "00-fix-the-violation":  # its notebook starts from the broken module
        assert graded_score(executed) == float(points)


@pytest.mark.parametrize("exercise", IDS)
def test_the_release_notebook_fails_its_checks_cleanly(exercise: str, tmp_path: Path) -> None:
    executed = run(ROOT / "exercises" / exercise / f"{exercise}.ipynb", tmp_path)
    text = "".join(str(o.get("text", "")) + str(o.get("data", "")) for o in outputs(executed))

    assert [o for o in outputs(executed) if o["output_type"] == "error"] == []
    assert "Traceback" not in text
    assert "Hidden tests run when your work is graded" in text
    # Outside nbgrader autograde the graded cell grades nothing and names no hidden test.
    graded = next(c for c in executed.cells if c.metadata.get("nbgrader", {}).get("grade"))
    assert [o["output_type"] for o in graded.outputs] == ["stream"]
    assert graded.outputs[0]["text"].strip() == NOT_HERE
    specs = app().grader.collector.collect(app().exercises.get(exercise), include_hidden=True)
    assert [s.title for s in specs if s.hidden and s.title in text] == []
