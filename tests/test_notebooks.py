"""The course's notebooks run top to bottom in a fresh Jupyter kernel of this environment."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "course").rglob("*.ipynb"))
pytestmark = pytest.mark.slow


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_runs_in_a_fresh_kernel(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)

    NotebookClient(
        notebook,
        timeout=60,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()

    errors = [
        output
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert errors == []


def test_the_welcome_notebook_shows_the_kernel_at_work() -> None:
    notebook = nbformat.read(ROOT / "course/00-welcome.ipynb", as_version=4)
    NotebookClient(notebook, timeout=60, kernel_name="python3").execute()

    printed = "".join(
        output.get("text", "") for cell in notebook.cells for output in cell.get("outputs", [])
    )
    assert "payments: 1 issue(s) in 2 rows" in printed
    assert "1 event received; all handlers succeeded: True" in printed
