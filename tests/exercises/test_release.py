"""The release in exercises/ is what nbgrader makes from solutions/, and leaks nothing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader.adapters.manifest import load_manifest
from tests.exercises.support import MARKERS, ROOT, secret_lines

SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
IDS = sorted(p.parent.name for p in SOLUTIONS.glob("*/exercise.toml"))


def nbgrader(*args: str, root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "nbgrader",
            *args,
            f"--CourseDirectory.root={root}",
            f"--CourseDirectory.db_url=sqlite:///{root}/gradebook.db",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


@pytest.mark.slow
def test_the_release_is_what_nbgrader_makes_from_the_sources(tmp_path: Path) -> None:
    shutil.copytree(SOLUTIONS, tmp_path / "solutions")
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)

    for exercise in IDS:
        done = nbgrader("generate_assignment", exercise, "--force", root=tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr

    fresh = {
        p.relative_to(tmp_path / "exercises"): p.read_bytes()
        for p in (tmp_path / "exercises").rglob("*")
        if p.is_file()
    }
    committed = {
        p.relative_to(EXERCISES): p.read_bytes()
        for p in EXERCISES.rglob("*")
        if p.is_file()
        and p.parent != EXERCISES
        and "workspace" not in p.parts
        and "__pycache__" not in p.parts
    }
    stale = sorted(str(p) for p in set(fresh) | set(committed) if fresh.get(p) != committed.get(p))
    assert stale == [], "exercises/ is stale: run 'make release'"


@pytest.mark.parametrize("folder", ["exercises", "course"])
def test_no_solution_or_hidden_test_text_is_released(folder: str) -> None:
    secrets = secret_lines()
    assert len(secrets) > 50  # the check itself must have something to look for
    leaks = []
    for path in (ROOT / folder).rglob("*"):
        if path.is_file() and "workspace" not in path.parts:
            text = path.read_text(errors="ignore")
            leaks += [f"{path}: {s}" for s in secrets if s in text]
            leaks += [f"{path}: {m}" for m in MARKERS if m in text]
    assert leaks == []


@pytest.mark.parametrize("exercise", IDS)
def test_the_graded_cell_is_worth_the_exercise(exercise: str) -> None:
    manifest = load_manifest(EXERCISES / exercise, SOLUTIONS)
    for notebook in (
        SOLUTIONS / exercise / f"{exercise}.ipynb",
        EXERCISES / exercise / f"{exercise}.ipynb",
    ):
        cells = json.loads(notebook.read_text())["cells"]
        graded = [
            c["metadata"]["nbgrader"]
            for c in cells
            if c["metadata"].get("nbgrader", {}).get("grade")
        ]
        assert [g["points"] for g in graded] == [float(manifest.points)], notebook
