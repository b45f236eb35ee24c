"""Hollow answers: the reference with every function emptied at once.

Behaviour choices, stated once: a hollow answer keeps the reference's imports, classes
and signatures and empties every function and method at once (or, where a module
holds only values, every value): it must earn nothing. ``__init__`` keeps its
reference body in the non-empty kinds, so that the object is built as the reference
builds it and only its behaviour is missing.
"""

from __future__ import annotations

import ast
from enum import StrEnum

from grader.domain.mutants import (
    Mutant,
    _diff,
    _is_docstring,
    _split_docstring,
    mutant_id,
)


class Hollow(StrEnum):
    EMPTY = "empty"  # every body is pass
    MOCK = "mock"  # every function returns unittest.mock.MagicMock()
    AGREEABLE = "agreeable"  # returns an object that says yes to every question
    MADE_UP = "made-up"  # returns a made-up result of the right type claiming success


_AGREEABLE = '''
class _Agreeable:
    """Says yes to every question a careless test may ask."""

    def __bool__(self): return True
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __hash__(self): return 0
    def __len__(self): return 1
    def __contains__(self, item): return True
    def __iter__(self): return iter(())
    def __getattr__(self, name): return self
    def __getitem__(self, key): return self
    def __call__(self, *args, **kwargs): return self
'''

_HOLLOW_IMPORTS: dict[Hollow, str] = {
    Hollow.MOCK: "from unittest.mock import MagicMock as _MagicMock",
    Hollow.MADE_UP: (
        "from shared.integration.cross_domain_patterns import SagaContext as _SagaContext, "
        "SagaResult as _SagaResult, SagaStatus as _SagaStatus\n"
        "from shared.interfaces import AnomalyResult as _AnomalyResult, DataSet as _DataSet, "
        "ValidationReport as _ValidationReport"
    ),
}

# A made-up result of the type a function says it returns, claiming success.
MADE_UP: dict[str, str] = {
    "SagaResult": "_SagaResult('made-up', 'made-up', _SagaStatus.COMPLETED, _SagaContext())",
    "ValidationReport": "_ValidationReport('made-up', (), 1)",
    "AnomalyResult": "_AnomalyResult('made-up', 'made-up', 0.0)",
    "DataSet": "_DataSet.from_records([])",
    "str": "'ok'",
    "int": "1",
    "float": "1.0",
    "bool": "True",
    "list": "[]",
    "dict": "{}",
    "set": "set()",
    "tuple": "()",
}


def _made_up(returns: ast.expr | None) -> ast.expr | None:
    if returns is None:
        return None
    name = ast.unparse(returns).split("[", 1)[0].rsplit(".", 1)[-1].strip("'\"")
    text = MADE_UP.get(name)
    return ast.parse(text, mode="eval").body if text else None


def _hollow_value(kind: Hollow, returns: ast.expr | None) -> ast.expr | None:
    if kind is Hollow.MOCK:
        return ast.parse("_MagicMock()", mode="eval").body
    if kind is Hollow.AGREEABLE:
        return ast.parse("_Agreeable()", mode="eval").body
    if kind is Hollow.MADE_UP:
        return _made_up(returns)
    return None


def hollow(answers: dict[str, str], kind: Hollow, files: tuple[str, ...]) -> Mutant | None:
    """``answers`` with every function of ``files`` emptied the ``kind`` way; ``None`` when
    that kind has nothing to change (a made-up result of an unknown type, say)."""
    changed = dict(answers)
    diffs: list[str] = []
    for file in files:
        tree = ast.parse(answers[file])
        original = ast.unparse(tree)
        functions = [
            n
            for n in _top_functions(tree)
            if not (n.name == "__init__" and kind is not Hollow.EMPTY)
        ]
        for function in functions:
            value = _hollow_value(kind, function.returns)
            if kind is Hollow.MADE_UP and value is None:
                value = ast.Constant(None)
            head, _ = _split_docstring(function.body)
            function.body = [*head, ast.Return(value) if value is not None else ast.Pass()]
        if not functions:
            _hollow_values(tree, kind)
        prelude = _AGREEABLE if kind is Hollow.AGREEABLE else _HOLLOW_IMPORTS.get(kind, "")
        at = _after_imports(tree)
        tree.body[at:at] = ast.parse(prelude).body
        text = ast.unparse(ast.fix_missing_locations(tree))
        if text != original:
            changed[file] = text
            diffs.append(_diff(file, original, text))
    if not diffs:
        return None
    text = "\n".join(changed[f] for f in files)
    return Mutant(
        id=mutant_id("hollow:" + kind.value, text),
        operator=kind.value,
        file=files[0],
        line=1,
        scope="<every function>",
        description=f"hollow answer ({kind.value})",
        diff="\n".join(diffs),
        answers=changed,
    )


def _top_functions(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Module functions and class methods (not functions nested inside them)."""
    found: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found.append(node)
        elif isinstance(node, ast.ClassDef):
            found += [n for n in node.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    return found


def _hollow_values(tree: ast.Module, kind: Hollow) -> None:
    """For a module of values only (a quiz's answers): every assigned value emptied."""
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            value = _hollow_value(kind, None) if kind is not Hollow.MADE_UP else None
            node.value = value or (
                ast.Constant(None) if kind is Hollow.EMPTY else _made_up_like(node.value)
            )


def _made_up_like(value: ast.expr) -> ast.expr:
    """An empty value of the same literal kind (a set for a set, "" for a string)."""
    if isinstance(value, ast.Set):
        return ast.Call(ast.Name("set", ast.Load()), [], [])
    if isinstance(value, ast.List):
        return ast.List([], ast.Load())
    if isinstance(value, ast.Tuple):
        return ast.Tuple([], ast.Load())
    if isinstance(value, ast.Dict):
        return ast.Dict([], [])
    return ast.Constant(None)


def _after_imports(tree: ast.Module) -> int:
    index = 0
    for position, node in enumerate(tree.body):
        if isinstance(node, ast.Import | ast.ImportFrom) or (position == 0 and _is_docstring(node)):
            index = position + 1
    return index


def hollows(answers: dict[str, str], files: tuple[str, ...]) -> list[Mutant]:
    """One hollow answer of each kind that changes something."""
    made = [hollow(answers, kind, files) for kind in Hollow]
    return [m for m in made if m is not None]
