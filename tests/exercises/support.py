"""Grading answer texts against the course's real exercises."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from grader.application.batch import grade_safely
from grader.configuration import App, Course, build
from grader.domain.result import GradeResult, Outcome
from grader.domain.submission import Submission
from tests.pictures import check_pictures

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "solutions"
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


@cache
def app() -> App:
    return build(Course(ROOT))


_graded: dict[tuple[str, frozenset[tuple[str, str]]], GradeResult] = {}


def graded(exercise_id: str, answers: dict[str, str]) -> GradeResult:
    """The result of ``answers`` on the default (warm) path, graded once per session."""
    key = (exercise_id, frozenset(answers.items()))
    if key not in _graded:
        exercise = app().exercises.get(exercise_id)
        submission = Submission("t", answers, "test")
        _graded[key] = grade_safely(app().grader, exercise, submission, True)
    return _graded[key]


def grade(exercise_id: str, answers: dict[str, str]) -> GradeResult:
    """Grade, and check the picture of every broken boundary on the way."""
    result = graded(exercise_id, answers)
    check_pictures(result.contracts)
    return result


def failed(result: GradeResult) -> dict[str, Outcome]:
    """The tests that did not pass, by function name."""
    return {
        t.id.split("::")[-1]: t.outcome for t in result.tests if t.outcome is not Outcome.PASSED
    }


def message(result: GradeResult, test: str) -> str:
    return next(t.message for t in result.tests if t.id.endswith("::" + test))


def secret_lines(hidden_tests_only: bool = False) -> set[str]:
    """Lines only instructors may see: solution regions, hidden tests, reference answers,
    explanations; without the lines that are public anyway."""
    secrets: set[str] = set()
    public: set[str] = set()
    for notebook in SOLUTIONS.glob("*/*.ipynb"):
        for cell in json.loads(notebook.read_text())["cells"]:
            inside = False
            for line in "".join(cell["source"]).splitlines():
                if line.strip() in MARKERS[:2]:
                    inside = line.strip() == MARKERS[0]
                elif inside and not hidden_tests_only:
                    secrets.add(line.strip())
                else:
                    # Outside a solution region: public. Inside one, when only hidden tests
                    # are sought: a line of the answer, which a learner may write too (the
                    # capstone's own tests share lines with its hidden tests).
                    public.add(line.strip())
    sources = [*SOLUTIONS.glob("*/hidden/*.py")]
    if not hidden_tests_only:
        sources += [*SOLUTIONS.glob("*/reference/**/*.py"), *SOLUTIONS.glob("*/explanations.md")]
    for path in sources:
        secrets.update(line.strip() for line in path.read_text().splitlines())
    # The monorepo and the public tests are public; so is any import line.
    for path in [
        *(ROOT / "src/packages").rglob("*.py"),
        *(ROOT / "exercises").glob("*/tests/*.py"),
    ]:
        public.update(line.strip() for line in path.read_text().splitlines())
    candidates = {
        s for s in secrets - public if len(s) >= 40 and not s.startswith(("from ", "import "))
    }
    return {s for s in candidates if not any(s in line for line in public)}


def hidden_test_lines() -> set[str]:
    """Distinctive lines of the hidden tests: none may reach a learner."""
    return secret_lines(hidden_tests_only=True)


def bank_key() -> dict[str, str]:
    """Exercise 05's graded answers, read from its hidden tests: question id -> letters
    (each test is ``assert chosen("<id>") == "<letters>"``)."""
    import ast

    tree = ast.parse((SOLUTIONS / "05-knowledge-check/hidden/test_answers.py").read_text())
    key: dict[str, str] = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Compare)
            and isinstance(node.left, ast.Call)
            and ast.unparse(node.left.func) == "chosen"
        ):
            question = ast.literal_eval(node.left.args[0])
            key[question] = ast.literal_eval(node.comparators[0])
    return key


def answers_given(text: str) -> list[tuple[str, str]]:
    """Every ``"<question id>": <letters>`` pair written in ``text``, in any of the forms
    an answer takes (a set or frozenset of letters, ``set("ac")``, a string of letters),
    as (question id, its letters sorted)."""
    import re

    pattern = r"""["']([a-z]+-\d+)["']\s*:\s*((?:frozenset|set)?\(?\{?[^}\)\n]*)"""
    return [
        (question, "".join(sorted(set("".join(re.findall(r"""["']([a-h]+)["']""", value))))))
        for question, value in re.findall(pattern, text)
    ]
