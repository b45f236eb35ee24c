"""The %%answer magic's choices that need no Jupyter kernel to see."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.notebook import WORKSPACE_ENV, save_answer


@pytest.fixture(autouse=True)
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(WORKSPACE_ENV, str(tmp_path))
    return tmp_path


def test_a_test_file_is_saved_for_the_grader_and_not_imported(workspace: Path) -> None:
    source = "raise RuntimeError('importing a test file here would run it')\n"

    status = save_answer("tests/test_mine.py", source)

    assert (
        status == "saved tests/test_mine.py; check() runs these tests and measures what they cover"
    )
    assert (workspace / "tests/test_mine.py").read_text() == source


@pytest.mark.parametrize("line", ["", "../escape.py", "/abs/path.py", "notes.txt"])
def test_a_path_outside_the_packages_is_refused_in_one_line(line: str, workspace: Path) -> None:
    status = save_answer(line, "x = 1\n")

    assert "must name a .py file under src/packages" in status
    assert not any(workspace.iterdir())
