"""nbgrader end to end: release, submit, autograde into the gradebook, feedback.

The gradebook's scores must equal what ``grader grade`` gives the same notebooks, and the
feedback must show no hidden test's code.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from grader.adapters.manifest import reference_answers
from grader.cli import main
from grader.domain.draw import draw
from tests.exercises.support import ROOT, app, bank_key, hidden_test_lines

pytestmark = pytest.mark.slow
IDS = sorted(p.parent.name for p in (ROOT / "solutions").glob("*/exercise.toml"))


def nbgrader(root: Path, *args: str) -> None:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args, f"--CourseDirectory.root={root}"],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def submit(root: Path, student: str, exercise: str, answers: dict[str, str]) -> Path:
    """A learner's notebook: the release with its answer cells filled in."""
    release = json.loads((ROOT / "exercises" / exercise / f"{exercise}.ipynb").read_text())
    for cell in release["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and source.startswith("%%answer"):
            path = source.splitlines()[0].split(maxsplit=1)[1]
            cell["source"] = f"%%answer {path}\n{answers[path]}"
    folder = root / "submitted" / student / exercise
    folder.mkdir(parents=True)
    notebook = folder / f"{exercise}.ipynb"
    notebook.write_text(json.dumps(release))
    return notebook


def test_autograde_fills_the_gradebook_with_the_graders_scores(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "solutions", tmp_path / "solutions")
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    expected: dict[tuple[str, str], float] = {}
    for exercise_id in IDS:
        nbgrader(tmp_path, "generate_assignment", exercise_id, "--force")
        exercise = app().exercises.get(exercise_id)
        good = reference_answers(exercise)
        assert good is not None
        first = sorted(good)[0]
        # The second learner breaks the last function of the first answer file.
        head, _, tail = good[first].rpartition("return ")
        partial = {**good, first: head + "return None  # " + tail}
        students = [("ada", good), ("bob", partial)]
        if exercise.draw is not None:  # cy answers her own draw only: graded as "cy"
            key = bank_key()
            own = "".join(f'    "{q.id}": set("{key[q.id]}"),\n' for q in draw(exercise.draw, "cy"))
            students.append(("cy", {first: "ANSWERS = {\n" + own + "}\n"}))
        for student, answers in students:
            notebook = submit(tmp_path, student, exercise_id, answers)
            submission = app().reader.read(notebook, [exercise], student)
            result = app().grader.grade(exercise, submission, include_hidden=True)
            expected[(student, exercise_id)] = float(result.score)

    shutil.copy(tmp_path / "gradebook.db", tmp_path / "batch.db")  # exercises, no grades
    for exercise_id in IDS:
        nbgrader(tmp_path, "autograde", exercise_id, "--create", "--force")
        nbgrader(tmp_path, "generate_feedback", exercise_id, "--force")

    with Gradebook(f"sqlite:///{tmp_path}/gradebook.db") as gradebook:
        recorded = {
            (student, exercise_id): gradebook.find_submission(exercise_id, student).score
            for student, exercise_id in expected
        }
    assert recorded == expected
    batch = [
        "batch",
        str(tmp_path / "submitted"),
        "--out",
        str(tmp_path / "out"),
        "--gradebook",
        f"sqlite:///{tmp_path}/batch.db",
    ]
    assert main(batch) == 0
    with Gradebook(f"sqlite:///{tmp_path}/batch.db") as gradebook:
        written = {
            (student, exercise_id): gradebook.find_submission(exercise_id, student).score
            for student, exercise_id in expected
        }
    assert written == expected
    assert all(expected[("ada", e)] == float(app().exercises.get(e).points) for e in IDS)
    assert expected[("cy", "05-knowledge-check")] == 5
    assert any(expected[("bob", e)] < expected[("ada", e)] for e in IDS)
    feedback = "\n".join(p.read_text() for p in (tmp_path / "feedback").rglob("*.html"))
    assert len(list((tmp_path / "feedback").rglob("*.html"))) == len(expected)
    assert [line for line in hidden_test_lines() if line in feedback] == []
