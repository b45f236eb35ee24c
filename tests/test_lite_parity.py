"""The browser's self-check agrees with ``grader check``, run here in plain CPython.

For every exercise, on its reference answer, its starter and every alternative and wrong
answer the exercise tests hold, the in-page grader (tests in-process with pytest,
contracts from the pure-Python import graph, no thread) gives each public test and each
boundary check the verdict the server gives. The browser test
(``tests/test_lite_browser.py``) runs the same comparison inside Pyodide.
"""

from __future__ import annotations

import functools
import importlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from grader import lite
from grader.adapters.manifest import reference_answers
from grader.application.batch import grade_safely
from grader.domain.result import GradeResult
from grader.domain.submission import Submission
from tests.exercises.support import app

ROOT = Path(__file__).resolve().parents[1]
EXERCISE_TESTS = sorted((ROOT / "tests/exercises").glob("test_0*.py"))


def _answers(value: Any, default: str | None) -> dict[str, str] | None:
    """An answer set from a test module's table entry: a text, (text, ...), or {path: text}."""
    if isinstance(value, str):
        return {default: value} if default else None
    if isinstance(value, tuple) and value:
        return _answers(value[0], default)
    if (
        isinstance(value, dict)
        and value
        and all(isinstance(k, str) and k.endswith(".py") for k in value)
    ):
        texts = {k: v if isinstance(v, str) else v[0] for k, v in value.items()}
        return texts if all(isinstance(t, str) for t in texts.values()) else None
    return None


def variants() -> list[tuple[str, str, dict[str, str]]]:
    """(exercise id, variant name, answers) for every exercise."""
    found: list[tuple[str, str, dict[str, str]]] = []
    wired = app()
    for exercise in wired.exercises.all():
        found.append((exercise.id, "reference", reference_answers(exercise)))
        found.append((exercise.id, "starter", {}))
    for path in EXERCISE_TESTS:
        module = importlib.import_module(f"tests.exercises.{path.stem}")
        exercise_id = next(
            e.id for e in wired.exercises.all() if e.id[:2] == path.stem.split("_")[1]
        )
        default = getattr(module, "PATH", None) or getattr(module, "FEATURE", None)
        for table in ("CORRECT", "WRONG", "WRONG_FEATURES"):
            for name, value in getattr(module, table, {}).items():
                answers = _answers(value, default)
                if answers:
                    found.append((exercise_id, f"{table.lower()}: {name}", answers))
    return found


def verdicts(result: GradeResult) -> dict[str, str]:
    tests = {t.id: t.outcome.value for t in result.tests}
    contracts = {f"contract {c.id}": "kept" if c.kept else "broken" for c in result.contracts}
    return {**tests, **contracts, "score": f"{result.score}/{result.max_score}"}


VARIANTS = variants()


def key(exercise_id: str, name: str) -> str:
    return f"{exercise_id} | {name}"


@functools.cache
def server_verdicts() -> dict[str, dict[str, str]]:
    """``grader check``'s verdicts on every variant, computed once per test session (two at
    a time: each grading runs in its own processes)."""

    def one(variant: tuple[str, str, dict[str, str]]) -> dict[str, str]:
        exercise_id, _, answers = variant
        exercise = replace(app().exercises.get(exercise_id), coverage=None)
        submission = Submission("parity", answers, "test")
        return verdicts(grade_safely(app().grader, exercise, submission, include_hidden=False))

    with ThreadPoolExecutor(max_workers=2) as pool:
        found = list(pool.map(one, VARIANTS))
    return {key(e, n): v for (e, n, _), v in zip(VARIANTS, found, strict=True)}


def test_every_exercise_has_variants_beyond_reference_and_starter() -> None:
    exercises = {e for e, name, _ in VARIANTS if name not in ("reference", "starter")}
    # A knowledge check that draws per learner has answers, not alternative designs.
    drawing = {e.id for e in app().exercises.all() if e.draw is not None}
    assert exercises == set(app().exercises.ids()) - drawing


@pytest.mark.slow
@pytest.mark.parametrize(("exercise_id", "name", "answers"), VARIANTS, ids=lambda v: str(v)[:40])
def test_the_page_gives_the_servers_verdicts(
    exercise_id: str, name: str, answers: dict[str, str]
) -> None:
    exercise = replace(app().exercises.get(exercise_id), coverage=None)
    submission = Submission("parity", answers, "test")

    page = grade_safely(lite.page_app(ROOT).grader, exercise, submission, include_hidden=False)

    assert verdicts(page) == server_verdicts()[key(exercise_id, name)]


CAPSTONE = "06-capstone"
FEATURE = "data/data_science/application/dataset_release.py"
ROUTES = {  # another domain's module, by a name built at run time
    "__import__": "_m = __import__('.'.join(['data', 'anomaly_detection', 'domain']))\n",
    "import_module": (
        "import importlib\n_m = importlib.import_module('data.' + 'anomaly_detection')\n"
    ),
    "exec": "_scope = {}\nexec('from data.anomaly_detection ' + 'import domain', _scope)\n",
    "bootstrap": "import importlib\n_m = importlib._bootstrap._gcd_import('ai.' + 'mlops')\n",
}


@pytest.mark.slow
@pytest.mark.parametrize("route", list(ROUTES))
def test_the_page_sees_a_run_time_import_as_the_server_does(route: str) -> None:
    exercise = replace(app().exercises.get(CAPSTONE), coverage=None)
    answers = reference_answers(exercise)
    answers[FEATURE] += "\n" + ROUTES[route]
    submission = Submission("parity", answers, "test")

    server = grade_safely(app().grader, exercise, submission, include_hidden=False)
    page = grade_safely(lite.page_app(ROOT).grader, exercise, submission, include_hidden=False)

    assert verdicts(page) == verdicts(server)
    (runtime,) = [c for c in page.contracts if c.id == "runtime-imports"]
    assert not runtime.kept
    assert {v.file for v in runtime.violations} == {FEATURE}
