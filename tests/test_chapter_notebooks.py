"""Every Markdown chapter opens as a notebook, as JupyterLab opens it (jupytext), and runs
top to bottom in a fresh kernel, printing what the page shows."""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat
import pytest
from jupytext.config import find_jupytext_configuration_file, load_jupytext_configuration_file
from nbclient import NotebookClient

from tests.docs_support import COURSE, samples

CHAPTERS = sorted(p for p in COURSE.rglob("*.md") if "_hooks" not in p.parts)
KERNEL = {"name": "python3", "language": "python", "display_name": "Python 3 (ipykernel)"}
pytestmark = pytest.mark.slow


def printed(cell: nbformat.NotebookNode) -> str:
    """What the cell printed (its log lines on stderr are not part of the page's output)."""
    return "".join(
        o.get("text", "")
        for o in cell.outputs
        if o["output_type"] == "stream" and o.get("name") == "stdout"
    )


def as_jupyterlab_opens(chapter: Path) -> nbformat.NotebookNode:
    """The chapter read by jupytext with the course's jupytext.toml, as the server does."""
    found = find_jupytext_configuration_file(str(chapter.parent))
    assert found is not None, "jupytext.toml is missing"
    config = load_jupytext_configuration_file(found)
    preferred = dict(f.split(":", 1) for f in config.preferred_jupytext_formats_read.split(","))
    return jupytext.read(chapter, fmt=f"md:{preferred['md']}", config=config)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.relative_to(COURSE).as_posix())
def test_the_chapter_runs_as_a_notebook(chapter: Path) -> None:
    notebook = as_jupyterlab_opens(chapter)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    shown = samples(chapter)

    assert notebook.cells, f"{chapter} opens as an empty notebook"
    assert [cell.source.strip() for cell in code] == [s.code.strip() for s in shown]
    if not code:
        return  # prose only: it opens, and there is nothing to run
    notebook.metadata["kernelspec"] = KERNEL
    NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(chapter.parent)}},
    ).execute()
    errors = [o for cell in code for o in cell.outputs if o["output_type"] == "error"]
    assert errors == []
    for cell, sample in zip(code, shown, strict=True):
        if sample.output is not None:
            assert printed(cell) == sample.output, f"{sample.page}:{sample.line}"


def test_every_chapter_is_covered() -> None:
    names = {p.relative_to(COURSE).as_posix() for p in CHAPTERS}
    assert {"boundaries.md", "patterns/saga.md", "security-and-compliance.md"} <= names
    assert sum(bool(samples(p)) for p in CHAPTERS) >= 8
