"""What the benches share: the bare-pytest floor, the grader's CLI, percentiles.

Imported by the scripts beside it (``python bench/<name>.py`` puts this folder first on
``sys.path``). Nothing here asserts a timing: the benches print figures.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from grader.configuration import Course
from grader.domain.exercise import Exercise, workspace_test_path

ROOT = Path(__file__).resolve().parents[1]
GRADER = [sys.executable, "-m", "grader"]


def variants(reference: dict[str, str]) -> dict[str, dict[str, str]]:
    """Kinds of submission, made by editing the reference answers."""
    first = sorted(reference)[0]
    broken = {**reference, first: reference[first] + "\ndef broken(:\n"}
    head, _, tail = reference[first].rpartition("return ")
    partial = {**reference, first: head + "return None  # " + tail}  # last function broken
    looping = {**reference, first: "while True:\n    pass\n"}
    return {"correct": reference, "partial": partial, "broken": broken, "looping": looping}


@contextmanager
def floor(
    course: Course, exercise: Exercise, answers: Mapping[str, str]
) -> Iterator[Callable[[], tuple[float, str]]]:
    """A prepared copy for bare ``python -m pytest``: no grader, no limits, no contracts.

    Yields ``run()``, which runs the exercise's tests (hidden ones included) in a fresh
    process and returns (seconds, pytest's last line). For an exercise that scores the
    learner's own tests, each run also pays what any tool pays to measure them:
    ``python -m coverage run`` of those tests, measuring the other answer files.
    The copy is removed afterwards.
    """
    with tempfile.TemporaryDirectory(prefix="bench-floor-") as folder:
        root = Path(folder)
        shutil.copytree(course.packages, root / "src/packages")
        for path, text in answers.items():
            (root / "src/packages" / path).parent.mkdir(parents=True, exist_ok=True)
            (root / "src/packages" / path).write_text(text)
        tests = []
        for source, hidden in [(f, False) for f in exercise.public_tests] + [
            (f, True) for f in exercise.hidden_tests
        ]:
            target = root / workspace_test_path(source, hidden)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            tests.append(str(target))
        (root / "pytest.ini").write_text(
            "[pytest]\npythonpath = src/packages\nasyncio_mode = auto\n"
            "markers =\n    points(n): points\n"
        )
        # Only the plugin async tests need: the venv's other plugins (hypothesis, anyio...)
        # would cost the floor about a second that no grader has to pay.
        pytest = ["-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "pytest_asyncio.plugin"]
        pytest.append("--import-mode=importlib")
        commands = [[sys.executable, *pytest, *tests]]
        if exercise.coverage is not None:
            measured = ",".join(str(root / "src/packages" / m) for m in exercise.measured_files)
            own = [str(root / "src/packages" / t) for t in exercise.coverage.tests]
            coverage = ["-m", "coverage", "run", "--data-file=.coverage", f"--include={measured}"]
            commands.append([sys.executable, *coverage, *pytest, *own])
        bare = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}

        def run() -> tuple[float, str]:
            started = time.perf_counter()
            outputs = [
                subprocess.run(
                    command, cwd=root, capture_output=True, text=True, check=False, env=bare
                ).stdout
                for command in commands
            ]
            lines = outputs[0].strip().splitlines()
            return time.perf_counter() - started, lines[-1] if lines else ""

        yield run


def passed(last_line: str) -> int:
    """How many tests pytest's summary line (``3 passed, 1 failed in 0.5s``) says passed."""
    words = last_line.replace(",", " ").split()
    return sum(int(n) for n, word in itertools.pairwise(words) if word == "passed")


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def grader_has_option(command: str, option: str) -> bool:
    """Whether ``grader <command> --help`` lists ``option`` (for options still to come)."""
    shown = subprocess.run(
        [*GRADER, command, "--help"], capture_output=True, text=True, check=False
    ).stdout
    return option in shown.split()


def grader_batch(
    submissions: Path, out: Path, exercise: str, jobs: int, extra: Sequence[str] = ()
) -> float:
    """Run ``grader batch`` into a fresh ``out`` in its own process; returns the wall time."""
    command = [*GRADER, "--course", str(ROOT), "batch", str(submissions), "--out", str(out)]
    command += ["--exercise", exercise, "--jobs", str(jobs), *extra]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"grader batch failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return wall


def batch_results(out: Path, exercise: str) -> dict[str, dict[str, Any]]:
    """Each learner's result JSON in a batch output folder (``results/<learner>/<id>.json``)."""
    found = {}
    for path in (out / "results").glob(f"*/{exercise}.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        found[data["learner"]] = data
    return found
