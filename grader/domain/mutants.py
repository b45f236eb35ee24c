"""Small wrong versions of a reference answer, made on its syntax tree.

Behaviour choices, stated once:

* Every mutant is one change at one place, made by one operator, and is valid Python
  (it is printed back from the changed tree). Mutants that print the same text are
  made once; a change that prints as the original is dropped.
* Each mutant's ``id`` is a hash of its file and its whole text, so it stays the same
  from run to run while the reference does not change, and an author's "equivalent"
  mark follows the mutant, not its position in a list.
* Docstrings, ``__future__`` imports and type annotations are left alone: changing
  them changes no behaviour a test could see.
* Hollow answers, which change every function at once: :mod:`grader.domain.hollow`.
"""

from __future__ import annotations

import ast
import copy
import difflib
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum


class Operator(StrEnum):
    COMPARISON = "comparison"  # == to !=, < to <=, in to not in, ...
    BOOLEAN = "boolean"  # and to or, a condition negated, not dropped
    CONSTANT = "constant"  # a number, a string or a truth value changed
    REMOVE_STATEMENT = "remove-statement"  # one statement (a call, an assignment) gone
    REMOVE_DECORATOR = "remove-decorator"  # @require_permission(...) gone
    REMOVE_ARGUMENT = "remove-argument"  # the last argument of a call dropped
    DROP_AWAIT = "drop-await"  # await f() becomes f(): the coroutine never runs
    SWAP_STATEMENTS = "swap-statements"  # two neighbouring statements in the other order
    RETURN_VALUE = "return-value"  # return x becomes return None
    SWALLOW = "swallow"  # a function's body wrapped in try/except Exception: pass
    HOLLOW_METHOD = "hollow-method"  # one function's body replaced by pass


@dataclass(frozen=True)
class Mutant:
    id: str
    operator: str  # an Operator or a hollow.Hollow value
    file: str  # the answer file, under src/packages
    line: int  # in the reference's own text
    scope: str  # "Class.method", "function" or "<module>"
    description: str
    diff: str
    answers: dict[str, str]  # every answer file, this one changed


def mutant_id(file: str, text: str) -> str:
    return hashlib.sha256(f"{file}\0{text}".encode()).hexdigest()[:10]


def _diff(file: str, before: str, after: str) -> str:
    lines = difflib.unified_diff(
        before.splitlines(), after.splitlines(), f"a/{file}", f"b/{file}", n=1, lineterm=""
    )
    return "\n".join(lines)


# -- Where a node sits ----------------------------------------------------------------------


def _scopes(tree: ast.Module) -> dict[int, str]:
    """The qualified scope ("Class.method") of every node, by ``id(node)``."""
    found: dict[int, str] = {}

    def visit(node: ast.AST, scope: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = scope
            if isinstance(child, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                inner = child.name if scope == "<module>" else f"{scope}.{child.name}"
            found[id(child)] = inner
            visit(child, inner)

    visit(tree, "<module>")
    return found


def _untouchable(tree: ast.Module) -> set[int]:
    """Nodes no operator changes: docstrings, annotations, ``__future__`` imports."""
    skipped: set[int] = set()

    def skip(node: ast.AST | None) -> None:
        if node is not None:
            skipped.update(id(n) for n in ast.walk(node))

    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and _is_docstring(body[0]):
            skip(body[0])
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            skip(node)
        if isinstance(node, ast.arg):
            skip(node.annotation)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            skip(node.returns)
        if isinstance(node, ast.AnnAssign):
            skip(node.annotation)
    return skipped


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


# -- The operators: each yields (description, change) for one node --------------------------

Change = Callable[[ast.AST], None]  # changes the node (a copy of it) in place
Site = tuple[str, str, Change]  # operator, description, change

_COMPARE_SWAPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}


def _compare_sites(node: ast.AST) -> Iterator[Site]:
    if not isinstance(node, ast.Compare):
        return
    for index, op in enumerate(node.ops):
        other = _COMPARE_SWAPS.get(type(op))
        if other is None:
            continue

        def swap(n: ast.AST, index: int = index, other: type[ast.cmpop] = other) -> None:
            assert isinstance(n, ast.Compare)
            n.ops[index] = other()

        yield Operator.COMPARISON, f"{type(op).__name__} becomes {other.__name__}", swap


def _boolean_sites(node: ast.AST) -> Iterator[Site]:
    if isinstance(node, ast.BoolOp):
        other: type[ast.boolop] = ast.Or if isinstance(node.op, ast.And) else ast.And

        def flip(n: ast.AST, other: type[ast.boolop] = other) -> None:
            assert isinstance(n, ast.BoolOp)
            n.op = other()

        yield Operator.BOOLEAN, f"{type(node.op).__name__.lower()} becomes {other.__name__}", flip
    if isinstance(node, ast.If | ast.While | ast.IfExp) or (
        isinstance(node, ast.comprehension) and node.ifs
    ):

        def negate(n: ast.AST) -> None:
            if isinstance(n, ast.comprehension):
                n.ifs = [ast.UnaryOp(ast.Not(), cond) for cond in n.ifs]
            else:
                assert isinstance(n, ast.If | ast.While | ast.IfExp)
                n.test = ast.UnaryOp(ast.Not(), n.test)

        yield Operator.BOOLEAN, "the condition is negated", negate


def _constant_sites(node: ast.AST) -> Iterator[Site]:
    if not isinstance(node, ast.Constant):
        return
    value = node.value
    changed: bool | int | float | str
    if isinstance(value, bool):
        changed = not value
    elif isinstance(value, int | float):
        changed = value + 1
    elif isinstance(value, str):
        changed = f"XX{value}XX"
    else:
        return

    def replace(n: ast.AST, changed: bool | int | float | str = changed) -> None:
        assert isinstance(n, ast.Constant)
        n.value = changed

    yield Operator.CONSTANT, f"{value!r} becomes {changed!r}", replace


def _return_sites(node: ast.AST) -> Iterator[Site]:
    if isinstance(node, ast.Return) and not (
        node.value is None or (isinstance(node.value, ast.Constant) and node.value.value is None)
    ):

        def to_none(n: ast.AST) -> None:
            assert isinstance(n, ast.Return)
            n.value = ast.Constant(None)

        yield Operator.RETURN_VALUE, "returns None instead", to_none


def _call_sites(node: ast.AST) -> Iterator[Site]:
    if isinstance(node, ast.Call) and (node.args or node.keywords):
        if node.keywords:

            def drop_keyword(n: ast.AST) -> None:
                assert isinstance(n, ast.Call)
                n.keywords.pop()

            dropped = f"argument {node.keywords[-1].arg}= dropped"
            yield Operator.REMOVE_ARGUMENT, dropped, drop_keyword
        elif not isinstance(node.args[-1], ast.Starred):

            def drop_last(n: ast.AST) -> None:
                assert isinstance(n, ast.Call)
                n.args.pop()

            yield Operator.REMOVE_ARGUMENT, "its last argument dropped", drop_last


def _function_sites(node: ast.AST) -> Iterator[Site]:
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return
    for index in range(len(node.decorator_list)):

        def undecorate(n: ast.AST, index: int = index) -> None:
            assert isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
            del n.decorator_list[index]

        yield Operator.REMOVE_DECORATOR, f"decorator of {node.name} removed", undecorate
    body = _body_without_docstring(node.body)
    if node.name == "__init__" or not body:
        return

    def swallow(n: ast.AST) -> None:
        assert isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
        head, rest = _split_docstring(n.body)
        handler = ast.ExceptHandler(ast.Name("Exception", ast.Load()), None, [ast.Pass()])
        n.body = [*head, ast.Try(rest, [handler], [], [])]

    yield Operator.SWALLOW, f"every error inside {node.name} is swallowed", swallow
    if not (len(body) == 1 and isinstance(body[0], ast.Pass)):

        def empty(n: ast.AST) -> None:
            assert isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
            head, _ = _split_docstring(n.body)
            n.body = [*head, ast.Pass()]

        yield Operator.HOLLOW_METHOD, f"{node.name} does nothing", empty


_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _body_sites(node: ast.AST) -> Iterator[Site]:
    """Statement removal and neighbour swaps, in every statement list of ``node``."""
    for field in ("body", "orelse", "finalbody"):
        statements = getattr(node, field, None)
        if not isinstance(statements, list) or not statements:
            continue
        if not isinstance(statements[0], ast.stmt):
            continue
        offset = 1 if _is_docstring(statements[0]) and field == "body" else 0
        live = statements[offset:]
        if isinstance(node, ast.Module | ast.ClassDef):
            continue  # a module's or class's statements are definitions, not steps
        for index, statement in enumerate(live):
            if isinstance(
                statement, ast.Pass | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
            ):
                continue

            def remove(n: ast.AST, field: str = field, at: int = offset + index) -> None:
                body = getattr(n, field)
                body[at] = ast.Pass()

            line = ast.unparse(statement).splitlines()[0][:60]
            yield Operator.REMOVE_STATEMENT, f"statement removed: {line}", remove
        for index in range(len(live) - 1):
            pair = (live[index], live[index + 1])
            if _independent(*pair) or any(isinstance(st, _DEFINITIONS) for st in pair):
                continue  # defining a function early or late changes nothing it does

            def swap(n: ast.AST, field: str = field, at: int = offset + index) -> None:
                body = getattr(n, field)
                body[at], body[at + 1] = body[at + 1], body[at]

            yield Operator.SWAP_STATEMENTS, "two statements swapped", swap


def _independent(first: ast.stmt, second: ast.stmt) -> bool:
    """Two plain assignments to different names, neither reading the other's target nor
    waiting on anything: their order cannot matter, so swapping them is no mutant."""
    if not (isinstance(first, ast.Assign) and isinstance(second, ast.Assign)):
        return False
    if any(isinstance(n, ast.Await) for s in (first, second) for n in ast.walk(s)):
        return False
    written = [{ast.unparse(t) for t in s.targets} for s in (first, second)]
    read = [{ast.unparse(n) for n in ast.walk(s.value)} for s in (first, second)]
    return not (written[0] & written[1] or written[0] & read[1] or written[1] & read[0])


def _await_parent_sites(node: ast.AST) -> Iterator[Site]:
    """``await f()`` becomes ``f()``, wherever the await sits among the node's fields."""
    for field, value in ast.iter_fields(node):
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            if not isinstance(item, ast.Await):
                continue

            def drop(n: ast.AST, field: str = field, index: int = index) -> None:
                current = getattr(n, field)
                if isinstance(current, list):
                    current[index] = current[index].value
                else:
                    setattr(n, field, current.value)

            yield Operator.DROP_AWAIT, f"await dropped before {ast.unparse(item.value)[:50]}", drop


_OPERATORS: tuple[Callable[[ast.AST], Iterator[Site]], ...] = (
    _compare_sites,
    _boolean_sites,
    _constant_sites,
    _return_sites,
    _call_sites,
    _function_sites,
    _body_sites,
    _await_parent_sites,
)


def _body_without_docstring(body: list[ast.stmt]) -> list[ast.stmt]:
    return body[1:] if body and _is_docstring(body[0]) else body


def _split_docstring(body: list[ast.stmt]) -> tuple[list[ast.stmt], list[ast.stmt]]:
    return (body[:1], body[1:]) if body and _is_docstring(body[0]) else ([], body)


# -- Making the mutants ----------------------------------------------------------------------


def mutants(answers: dict[str, str], files: tuple[str, ...] | None = None) -> list[Mutant]:
    """Every one-change mutant of ``answers`` (only ``files``, when given), deduplicated."""
    made: dict[str, Mutant] = {}
    for file in files if files is not None else tuple(answers):
        source = answers[file]
        tree = ast.parse(source)
        original = ast.unparse(tree)
        scopes = _scopes(tree)
        skipped = _untouchable(tree)
        nodes = [n for n in ast.walk(tree) if id(n) not in skipped]
        for position, node in enumerate(nodes):
            for operator, description, change in _sites(node):
                text = _apply(tree, position, nodes, change)
                if text is None or text == original:
                    continue
                key = mutant_id(file, text)
                if key in made:
                    continue
                made[key] = Mutant(
                    id=key,
                    operator=operator,
                    file=file,
                    line=getattr(node, "lineno", 1),
                    scope=scopes.get(id(node), "<module>"),
                    description=description,
                    diff=_diff(file, original, text),
                    answers={**answers, file: text},
                )
    return sorted(made.values(), key=lambda m: (m.file, m.line, m.operator, m.id))


def _sites(node: ast.AST) -> Iterator[Site]:
    for operator in _OPERATORS:
        yield from operator(node)


def _apply(tree: ast.Module, position: int, nodes: list[ast.AST], change: Change) -> str | None:
    """The module's text with ``change`` made to the ``position``-th node of a fresh copy."""
    fresh = copy.deepcopy(tree)
    skipped = _untouchable(fresh)
    target = [n for n in ast.walk(fresh) if id(n) not in skipped][position]
    change(target)
    try:
        text = ast.unparse(ast.fix_missing_locations(fresh))
        compile(text, "<mutant>", "exec")
    except (SyntaxError, ValueError, TypeError, AttributeError):
        return None  # a change that makes no valid program is no mutant
    return text


# -- Hollow answers --------------------------------------------------------------------------
