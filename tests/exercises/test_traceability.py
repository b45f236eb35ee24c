"""Every exercise traces its statement's requirements to the tests that check them.

``solutions/<id>/TRACEABILITY.md`` holds one row per requirement sentence: the answer
code it concerns and the checks, each in a code span: a test as ``file.py::test_name``,
a boundary contract of the manifest as ``contract:<id>``, the learner's own tests'
coverage as ``coverage``. Each named test
must exist, every test of the exercise must check some requirement, and every
requirement must be checked.
"""

from __future__ import annotations

import pytest

from grader.adapters.audit_files import TRACEABILITY, requirements
from grader.adapters.collector import StaticCollector
from grader.configuration import build, locate_course
from grader.domain.exercise import Exercise

APP = build(locate_course())
IDS = [e.id for e in APP.exercises.all() if e.solution_folder is not None]


def checks(exercise: Exercise) -> set[str]:
    """What a row may name: ``file.py::test`` of each test, the contracts, coverage."""
    tests = {spec.id.rsplit("/", 1)[-1] for spec in StaticCollector().collect(exercise, True)}
    contracts = {c.id for c in exercise.contracts} | {
        f"contract:{c.id}" for c in exercise.contracts
    }
    return tests | contracts | ({"coverage"} if exercise.coverage else set())


@pytest.mark.parametrize("exercise_id", IDS)
def test_the_traceability_table_names_only_real_checks(exercise_id: str) -> None:
    exercise = APP.exercises.get(exercise_id)
    assert exercise.solution_folder is not None
    rows = requirements(exercise.solution_folder / TRACEABILITY)
    known = checks(exercise)

    assert rows, f"{exercise_id}: no requirement rows in {TRACEABILITY}"
    unchecked = [r.number for r in rows if not r.tests]
    assert not unchecked, (
        f"{exercise_id}: requirements no test checks: {unchecked} (name each check in a code "
        "span: `file.py::test_name`, a boundary contract as `contract:<id>`, or `coverage`)"
    )
    unknown = sorted({t for r in rows for t in r.tests} - known)
    assert not unknown, f"{exercise_id}: the table names checks that do not exist: {unknown}"


@pytest.mark.parametrize("exercise_id", IDS)
def test_every_test_checks_a_requirement(exercise_id: str) -> None:
    exercise = APP.exercises.get(exercise_id)
    assert exercise.solution_folder is not None
    named = {t for r in requirements(exercise.solution_folder / TRACEABILITY) for t in r.tests}
    tests = {spec.id.rsplit("/", 1)[-1] for spec in StaticCollector().collect(exercise, True)}

    untraced = sorted(tests - named)
    assert not untraced, f"{exercise_id}: tests that check no requirement: {untraced}"
