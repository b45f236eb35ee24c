"""Finds the test functions of an exercise by reading the files, never running them.

What the files say is trusted (they are the instructor's); what a run reports is not.
Knowing the expected tests before the run is what lets the runner notice a test that
never reported, or one reported twice.

A test's points come from ``@pytest.mark.points(n)`` (1 without it); its title from the
first line of its docstring, else from its name. A parametrized test is one test: it
earns its points when every case passes.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from grader.application.ports import OwnTests
from grader.domain.exercise import PACKAGES, Exercise, TestSpec, workspace_test_path
from grader.errors import ManifestError


def _points(function: ast.FunctionDef | ast.AsyncFunctionDef, path: Path) -> Decimal:
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Call) and ast.unparse(decorator.func).endswith("mark.points"):
            try:
                (argument,) = decorator.args
                value = ast.literal_eval(argument)
            except ValueError:
                raise ManifestError(
                    path, function.name, "points(...) takes one literal number"
                ) from None
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ManifestError(path, function.name, f"points must be >= 0, got {value!r}")
            return Decimal(str(value))
    return Decimal(1)


def _title(function: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    doc = ast.get_docstring(function)
    if doc:
        return doc.strip().splitlines()[0]
    words = function.name.removeprefix("test_").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _functions(tree: ast.Module) -> list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    found = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
            "test"
        ):
            found.append((node.name, node))
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            for item in node.body:
                if isinstance(
                    item, ast.FunctionDef | ast.AsyncFunctionDef
                ) and item.name.startswith("test"):
                    found.append((f"{node.name}::{item.name}", item))
    return found


def _specs(tree: ast.Module, path: Path, prefix: str, hidden: bool) -> list[TestSpec]:
    specs: dict[str, TestSpec] = {}
    for name, function in _functions(tree):
        test_id = f"{prefix}::{name}"
        if test_id in specs:
            raise ManifestError(path, name, "defined twice: the first would never run")
        specs[test_id] = TestSpec(test_id, _title(function), _points(function, path), hidden)
    if not specs:
        raise ManifestError(path, None, "holds no test function")
    return list(specs.values())


def collect_file(path: Path, hidden: bool) -> list[TestSpec]:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (OSError, SyntaxError, UnicodeDecodeError) as error:
        raise ManifestError(path, None, f"test file cannot be read: {error}") from None
    return _specs(tree, path, workspace_test_path(path, hidden), hidden)


def _checks_something(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """An ``assert``, or a call such as ``pytest.raises`` or ``assert_called_once``."""
    for node in ast.walk(function):
        if isinstance(node, ast.Assert):
            return True
        if isinstance(node, ast.Call):
            name = ast.unparse(node.func).rsplit(".", 1)[-1]
            if name.startswith("assert") or name in ("raises", "warns", "fail"):
                return True
    return False


def collect_own(path: str, source: str) -> OwnTests:
    """The learner's own tests in ``path`` (an answer file), read from their text."""
    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as error:
        where = f"line {error.lineno}"
        return OwnTests(problem=f"your tests in {path} do not parse: {error.msg} ({where})")
    try:
        specs = _specs(tree, Path(path), f"{PACKAGES}/{path}", hidden=False)
    except ManifestError as error:
        name = f"{error.field} " if error.field else ""
        return OwnTests(problem=f"{path}: {name}{error.problem}")
    silent = tuple(
        f"{PACKAGES}/{path}::{name}"
        for name, function in _functions(tree)
        if not _checks_something(function)
    )
    return OwnTests(tuple(replace(s, points=Decimal(0)) for s in specs), silent)


class StaticCollector:
    def collect(self, exercise: Exercise, include_hidden: bool) -> list[TestSpec]:
        specs = [s for f in exercise.public_tests for s in collect_file(f, hidden=False)]
        if include_hidden:
            specs += [s for f in exercise.hidden_tests for s in collect_file(f, hidden=True)]
        return specs

    def collect_own(self, exercise: Exercise, answers: Mapping[str, str]) -> OwnTests:
        found = OwnTests()
        for path in exercise.coverage.tests if exercise.coverage else ():
            source = answers.get(path, exercise.starter.get(path, ""))
            one = collect_own(path, source)
            found = OwnTests(
                found.specs + one.specs, found.silent + one.silent, found.problem or one.problem
            )
        return found
