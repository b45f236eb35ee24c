"""The course's notebooks run top to bottom in a fresh Jupyter kernel of this environment.

Each notebook is executed once (cached), then checked: no error output, and for the
walkthroughs, that the failure cases they exist to show really happen. The notebooks
are committed without outputs; the docs site runs them again when it is built.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "course"
NOTEBOOKS = sorted(
    p
    for p in COURSE.rglob("*.ipynb")
    if ".ipynb_checkpoints" not in p.parts and "_hooks" not in p.parts
)
pytestmark = pytest.mark.slow


@functools.cache
def executed(path: Path) -> nbformat.NotebookNode:
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook,
        timeout=60,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    return notebook


def printed(path: Path) -> str:
    """Everything the notebook printed or displayed, as text."""
    parts = []
    for cell in executed(path).cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts.append(output.get("data", {}).get("text/plain", ""))
    return "".join(parts)


def test_the_walkthroughs_are_all_here() -> None:
    names = {p.relative_to(COURSE).as_posix() for p in NOTEBOOKS}
    assert {
        "00-welcome.ipynb",
        "patterns/adapters-walkthrough.ipynb",
        "patterns/event-bus-walkthrough.ipynb",
        "patterns/saga-walkthrough.ipynb",
        "tools-walkthrough.ipynb",
        "security-walkthrough.ipynb",
        "pitfalls.ipynb",
    } <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_runs_in_a_fresh_kernel(path: Path) -> None:
    errors = [
        output
        for cell in executed(path).cells
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert errors == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_is_committed_without_outputs(path: Path) -> None:
    """Outputs come from running the notebook (by the learner, or the site's build)."""
    notebook = nbformat.read(path, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert [cell.outputs for cell in code if cell.outputs] == []
    assert [cell.execution_count for cell in code if cell.execution_count] == []
    assert notebook.metadata["kernelspec"]["name"] == "python3"


def test_the_welcome_notebook_shows_the_kernel_at_work() -> None:
    text = printed(COURSE / "00-welcome.ipynb")
    assert "payments: 1 issue(s) in 2 rows" in text
    assert "1 event received; all handlers succeeded: True" in text


def test_the_welcome_notebook_keeps_its_title_and_ends_with_the_path() -> None:
    notebook = nbformat.read(COURSE / "00-welcome.ipynb", as_version=4)
    code = sum(cell.cell_type == "code" for cell in notebook.cells)
    words = {3: "three", 4: "four", 5: "five"}
    assert notebook.cells[0].source.startswith(f"# Welcome: the kernel in {words[code]} cells")
    path = notebook.cells[-1].source
    exercises = sorted(p.name for p in (ROOT / "exercises").glob("*/exercise.toml"))
    folders = sorted(p.parent.name for p in (ROOT / "exercises").glob("*/exercise.toml"))
    assert exercises
    positions = [path.index(f"`exercises/{folder}`") for folder in folders]
    assert positions == sorted(positions)  # in the course's order
    assert path.index("boundaries.md") < positions[0]  # chapters first


def test_the_security_walkthrough_shows_each_refusal() -> None:
    text = printed(COURSE / "security-walkthrough.ipynb")
    assert "PermissionDenied -> user 'linus' lacks permission 'data:write'" in text
    assert "NotAuthenticated -> __main__.export_customers requires 'data:write'" in text
    assert "plain thread: NotAuthenticated" in text
    assert "copied:       read orders" in text
    assert "linus data:write DENIED" in text
    assert "MANUAL policy/export/stays_home" in text
    assert "blocked by: ['no_email']" in text
    assert "refused before any data was looked at" in text


KERNEL_METADATA = {
    "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
    "language_info": {"name": "python", "mimetype": "text/x-python", "file_extension": ".py"},
}


@pytest.mark.parametrize(
    "path",
    [*NOTEBOOKS, *sorted((ROOT / "exercises").glob("*/*.ipynb"))],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_notebook_carries_the_kernels_own_metadata(path: Path) -> None:
    """JupyterLab rewrites a notebook's kernelspec and language_info from the kernel when
    it starts, and marks the notebook unsaved if anything changed: so nothing may."""
    metadata = nbformat.read(path, as_version=4).metadata
    assert metadata["kernelspec"] == KERNEL_METADATA["kernelspec"]
    info = metadata["language_info"]
    assert KERNEL_METADATA["language_info"].items() <= info.items()
    assert {"codemirror_mode", "nbconvert_exporter", "pygments_lexer", "version"} <= set(info)


def test_the_adapters_walkthrough_shows_each_failure() -> None:
    text = printed(COURSE / "patterns/adapters-walkthrough.ipynb")
    assert "outcome=ok" in text  # the adapter's log line
    assert "AdapterError -> reporting publisher publish" in text  # a missing service
    assert "cause: ServiceNotFound" in text
    assert (
        "AdapterTimeout -> data_quality.validator.validate failed: no answer within 0.1 s" in text
    )
    assert "ConnectionError: schema registry unreachable" in text  # a service that raises
    assert "with the fake: orders: 3 rows valid" in text
    assert "with the real adapter: orders: 2 issue(s) in 3 rows" in text


def test_the_event_bus_walkthrough_shows_isolation_and_timeouts() -> None:
    text = printed(COURSE / "patterns/event-bus-walkthrough.ipynb")
    assert "correlation=request-42  caused by: ml.training.completed" in text
    assert "send_receipt   failed" in text
    assert "update_ledger  succeeded" in text
    assert "dead letters left: 0" in text
    assert "('slow_report', 'timed_out'" in text


def test_the_saga_walkthrough_rolls_back_and_recovers() -> None:
    text = printed(COURSE / "patterns/saga-walkthrough.ipynb")
    assert "undo charge_card\nundo reserve_stock\ncompensated" in text
    assert "attempts: [1, 2, 3]" in text
    assert "saga 'order' failed:" in text  # a compensation that fails
    assert "interrupted sagas: 1" in text
    assert "interrupted now: []" in text
    assert "saga 'ml_pipeline' compensated: step 'deploy_model' failed" in text
    assert "objects left in the store: []" in text


def test_the_tools_walkthrough_shows_real_tool_output() -> None:
    text = printed(COURSE / "tools-walkthrough.ipynb")
    assert "boundaries intact in <repo>/src/packages" in text
    assert "2 violation(s) in <copy>" in text
    assert "imports ai.mlops dynamically" in text
    assert re.search(r"Total: \d+ checks, \d+ passed, 0 failed", text)
    assert "pre-commit hook installed; it runs: domain boundaries, ruff lint, fast tests" in text


def test_the_pitfalls_notebook_contrasts_bad_and_good() -> None:
    text = printed(COURSE / "pitfalls.ipynb")
    assert "1 violation(s) in <copy>" in text
    assert "boundaries intact in <copy>" in text
    assert "the application cannot use it:" in text
    assert "prediction: [1]" in text
    assert "bad:  coroutine" in text
    assert "async, 0.1 s timeout: data_quality.validator.validate failed" in text
