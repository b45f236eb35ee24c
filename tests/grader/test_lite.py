"""``grader.lite`` (the browser's ``check()``, ``hint()``, ``progress()`` and hand-in), run
here in plain CPython on a learner's folder laid out as in the browser."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from grader import api, lite
from grader.adapters.intake import SubmissionFiles
from tests.exercises import test_01_adapter as adapter

ROOT = Path(__file__).resolve().parents[2]
CORRECT = next(iter(adapter.CORRECT.values()))


@pytest.fixture
def notebook_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``exercises/01-adapter/`` as the browser's drive has it, the working directory."""
    folder = tmp_path / "exercises" / "01-adapter"
    folder.mkdir(parents=True)
    monkeypatch.chdir(folder)
    monkeypatch.delenv("HEXAGON_WORKSPACE", raising=False)
    monkeypatch.setenv("GRADER_COURSE", str(ROOT))
    return folder


def answer(folder: Path, source: str) -> None:
    target = folder / "workspace" / adapter.PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(source, encoding="utf-8")


def test_check_says_it_is_a_self_check_and_records_the_result(
    notebook_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answer(notebook_folder, CORRECT)

    lite.check()

    printed = capsys.readouterr().out
    assert printed.startswith(lite.SELF_CHECK)
    assert "3 of 3 points: 2 of 2 tests passed." in printed
    lite.progress()
    assert "01-adapter                   3/3 ✅" in capsys.readouterr().out


def test_an_unknown_exercise_is_one_sentence(
    notebook_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lite.check("99-nope")

    printed = capsys.readouterr().out.strip()
    assert printed.startswith("check: ")
    assert "\n" not in printed
    assert "99-nope" in printed


def test_hints_come_one_at_a_time_and_are_remembered(
    notebook_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hints = api.app().exercises.get("01-adapter").hints

    lite.hint()
    lite.hint()

    printed = capsys.readouterr().out.splitlines()
    assert printed == [f"Hint 1 of {len(hints)}: {hints[0]}", f"Hint 2 of {len(hints)}: {hints[1]}"]


def test_the_downloaded_zip_is_a_submission_the_grader_reads_and_grades(
    notebook_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answer(notebook_folder, CORRECT)

    lite.download_submission()

    saved = notebook_folder / lite.SUBMISSION
    assert f"src/packages/{adapter.PATH}" in capsys.readouterr().out
    with zipfile.ZipFile(io.BytesIO(saved.read_bytes())) as archive:
        assert archive.namelist() == [f"src/packages/{adapter.PATH}"]
    exercises = api.app().exercises.all()
    submission = SubmissionFiles().read(saved, exercises, "ada")
    assert submission.answers == {adapter.PATH: CORRECT}
    (graded,) = api.grade("01-adapter", saved, learner="ada")
    assert graded.full_marks
    assert graded.hidden_included


def test_nothing_to_hand_in_is_said_plainly(
    notebook_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lite.download_submission()

    assert capsys.readouterr().out == "Nothing to hand in yet: run your %%answer cells first.\n"
    assert not (notebook_folder / lite.SUBMISSION).exists()
