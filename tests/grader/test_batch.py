"""A class at once: parallel, resumable, and writing nothing outside its output folder."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest

from grader.cli import main
from tests.grader.support import ANSWER, FIXTURE, REFERENCE, run_batch, write_class


def tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


@pytest.fixture
def classroom(tmp_path: Path) -> Path:
    room = tmp_path / "submissions"
    write_class(room)
    (room / ".DS_Store").write_text("ignored")
    return room


def test_a_class_is_graded_into_a_gradebook(classroom: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    before = tree_hash(classroom), tree_hash(FIXTURE)

    assert run_batch(classroom, out) == 0

    assert (tree_hash(classroom), tree_hash(FIXTURE)) == before
    rows = {r["learner"]: r for r in csv.DictReader((out / "gradebook.csv").open())}
    assert {k: rows[k]["rules"] for k in rows} == {"ada": "7", "bob": "6", "cy": "0", "dee": "0"}
    assert rows["ada"]["max"] == "7"
    assert rows["dee"]["needs_review"] == "yes"  # the notebook could not be read
    assert sorted(p.name for p in (out / "feedback").iterdir()) == ["ada", "bob", "cy", "dee"]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["exercises"]["rules"]["full_marks"] == 1
    assert summary["exercises"]["rules"]["distribution"] == {"0": 2, "6": 1, "7": 1}
    assert ["Tells complete data from incomplete", 3] in summary["exercises"]["rules"][
        "most_failed_tests"
    ]
    assert not (out / ".work").exists() or not any((out / ".work").iterdir())
    cy = json.loads((out / "results/cy/rules.json").read_text())
    assert "conftest.py is not an answer file of this exercise and was ignored" in [
        f["message"] for f in cy["flags"]
    ]


def test_a_rerun_skips_what_is_done_and_regrades_what_changed(
    classroom: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    run_batch(classroom, out)
    capsys.readouterr()
    (classroom / "bob" / ANSWER).write_text(REFERENCE)

    run_batch(classroom, out)

    assert "graded 1, skipped 3 already done" in capsys.readouterr().out
    rows = {r["learner"]: r for r in csv.DictReader((out / "gradebook.csv").open())}
    assert rows["bob"]["rules"] == "7"


def test_bad_input_gets_one_sentence_and_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_batch(tmp_path / "nowhere", tmp_path / "out") == 2
    assert (
        capsys.readouterr().err
        == f"grader: {tmp_path / 'nowhere'} is not a folder of submissions\n"
    )

    assert main(["--course", str(FIXTURE), "grade", "nope", str(tmp_path)]) == 2
    assert "no exercise 'nope'; known exercises: rules" in capsys.readouterr().err

    assert main(["--course", str(tmp_path), "validate"]) == 2
    assert "is not a course checkout" in capsys.readouterr().err

    assert main(["--course", str(FIXTURE), "grade", "rules", str(tmp_path / "missing")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_grade_writes_every_format(tmp_path: Path) -> None:
    submission = tmp_path / "ada" / "data/quality"
    submission.mkdir(parents=True)
    (submission / "rules.py").write_text(REFERENCE)
    out = tmp_path / "reports"

    assert (
        main(["--course", str(FIXTURE), "grade", "rules", str(tmp_path / "ada"), "--out", str(out)])
        == 0
    )

    assert json.loads((out / "rules.json").read_text())["score"] == 7
    assert json.loads((out / "rules.gradescope.json").read_text())["score"] == 7
    assert "<testsuites>" in (out / "junit.xml").read_text()
    assert "7 / 7" in (out / "rules.html").read_text()


def test_check_exits_1_until_every_public_test_passes(tmp_path: Path) -> None:
    (tmp_path / "data/quality").mkdir(parents=True)
    (tmp_path / ANSWER).write_text(REFERENCE.replace("== 0", "!= 0"))

    assert main(["--course", str(FIXTURE), "check", "rules", str(tmp_path)]) == 1
    (tmp_path / ANSWER).write_text(REFERENCE)
    assert main(["--course", str(FIXTURE), "check", "rules", str(tmp_path)]) == 0


def test_validate_passes_on_the_fixture_course() -> None:
    assert main(["--course", str(FIXTURE), "validate"]) == 0
