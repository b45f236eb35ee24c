"""The %%answer magic's choices that need no Jupyter kernel to see."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader import api
from grader.domain.draw import draw
from grader.notebook import WORKSPACE_ENV, nbgrader_student, questions, save_answer


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


def test_autograde_grades_nbgrader_s_student_by_their_id(tmp_path: Path) -> None:
    """nbgrader runs each notebook in autograded/<student>/<assignment>/: the draw of
    questions needs that id; elsewhere the learner is "notebook"."""
    inside = tmp_path / "autograded" / "ada" / "05-knowledge-check"
    inside.mkdir(parents=True)

    assert nbgrader_student(inside) == "ada"
    assert nbgrader_student(tmp_path / "exercises" / "05-knowledge-check") == "notebook"


def test_questions_shows_the_learner_s_draw(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GRADER_LEARNER", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    questions("ada", "05-knowledge-check")
    shown = capsys.readouterr().out

    bank = api.app().exercises.get("05-knowledge-check").draw
    assert bank is not None
    for question in bank.questions:
        assert (f'"{question.id}"' in shown) == (question in draw(bank, "ada"))
    questions("", "05-knowledge-check")
    assert "Give your learner id" in capsys.readouterr().out
