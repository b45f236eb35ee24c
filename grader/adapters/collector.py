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
from decimal import Decimal
from pathlib import Path

from grader.domain.exercise import Exercise, TestSpec, workspace_test_path
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


def collect_file(path: Path, hidden: bool) -> list[TestSpec]:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (OSError, SyntaxError, UnicodeDecodeError) as error:
        raise ManifestError(path, None, f"test file cannot be read: {error}") from None
    prefix = workspace_test_path(path, hidden)
    specs: dict[str, TestSpec] = {}
    for name, function in _functions(tree):
        test_id = f"{prefix}::{name}"
        if test_id in specs:
            raise ManifestError(path, name, "defined twice: the first would never run")
        specs[test_id] = TestSpec(test_id, _title(function), _points(function, path), hidden)
    if not specs:
        raise ManifestError(path, None, "holds no test function")
    return list(specs.values())


class StaticCollector:
    def collect(self, exercise: Exercise, include_hidden: bool) -> list[TestSpec]:
        specs = [s for f in exercise.public_tests for s in collect_file(f, hidden=False)]
        if include_hidden:
            specs += [s for f in exercise.hidden_tests for s in collect_file(f, hidden=True)]
        return specs
