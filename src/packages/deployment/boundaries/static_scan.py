"""Checks import-linter cannot make, read straight from the source with ``ast``.

* ``dynamic-imports``: ``importlib.import_module("ai.machine_learning")``,
  ``__import__("ai." + "machine_learning")``, ``pkgutil.resolve_name(...)``,
  ``runpy.run_module(...)``, ``importlib.util.find_spec(...)`` and a look-up in
  ``sys.modules["ai.machine_learning"]`` name another domain as surely as an
  ``import`` statement. Names built from string literals (concatenation, f-strings
  without fields) are resolved; names computed at run time cannot be, and are left to
  the grader's run-time check.
* ``standard-library-only``: the kernel and the domains import nothing but the
  standard library and the monorepo's own packages.

A file that does not parse is a violation too: its imports are unknown, and unknown
is not clean.
"""

from __future__ import annotations

import ast
import functools
import sys
from collections.abc import Iterator
from pathlib import Path

from deployment.boundaries.config import BoundaryConfig
from deployment.boundaries.model import CheckOutcome, Violation

COMPOSITION_ROOT = "deployment"
SCANS = ("dynamic-imports", "standard-library-only")
Imports = tuple[tuple[int, str], ...]
DYNAMIC_IMPORTERS = {"import_module", "__import__", "resolve_name", "run_module", "find_spec"}


@functools.lru_cache(maxsize=512)
def parse(source: bytes, filename: str) -> ast.Module:
    """``ast.parse``, remembered by source and name: checking a tree again parses only the
    files that changed (the trees returned are only read, never changed)."""
    return ast.parse(source, filename=filename)


def literal_string(node: ast.expr) -> str | None:
    """The string an expression always evaluates to, if it is built from literals."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = literal_string(node.left), literal_string(node.right)
        return left + right if left is not None and right is not None else None
    if isinstance(node, ast.JoinedStr):
        parts = [literal_string(v) for v in node.values]
        return "".join(p for p in parts if p is not None) if None not in parts else None
    return None


def _is_sys_modules(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "modules"
        and isinstance(node.value, ast.Name)
        and node.value.id == "sys"
    )


def _dynamic_imports(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and _is_sys_modules(node.value):
            if target := literal_string(node.slice):
                yield node.lineno, target
            continue
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        looked_up = isinstance(func, ast.Attribute) and _is_sys_modules(func.value)
        if (name in DYNAMIC_IMPORTERS or looked_up) and (target := literal_string(node.args[0])):
            yield node.lineno, target.split(":", 1)[0]


@functools.lru_cache(maxsize=512)
def imports_found(source: bytes, filename: str) -> tuple[Imports, Imports]:
    """The (line, module) pairs a file imports dynamically, and statically; remembered
    like :func:`parse`, so a tree checked again walks only the files that changed."""
    parsed = parse(source, filename)
    return tuple(_dynamic_imports(parsed)), tuple(_static_imports(parsed))


def _static_imports(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


class _Owners:
    """Which domain (or ``shared``) a module belongs to."""

    def __init__(self, config: BoundaryConfig) -> None:
        self.domains = sorted(config.domains, key=len, reverse=True)
        self.groups = {d.split(".")[0] for d in config.domains}

    def owner(self, module: str) -> str | None:
        for domain in self.domains:
            if module == domain or module.startswith(domain + "."):
                return domain
        top = module.split(".")[0]
        if top in self.groups or top == COMPOSITION_ROOT:
            return top  # a group package or the composition root itself
        return None


def _python_files(tree: Path, packages: tuple[str, ...]) -> Iterator[tuple[Path, str]]:
    for package in packages:
        for path in sorted((tree / package).rglob("*.py")):
            relative = path.relative_to(tree).with_suffix("")
            parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
            yield path, ".".join(parts)


def scan(tree: Path, config: BoundaryConfig) -> list[CheckOutcome]:
    owners = _Owners(config)
    checked = tuple(p for p in config.root_packages if p != COMPOSITION_ROOT)
    allowed_tops = set(config.root_packages) | set(sys.stdlib_module_names) | {"__future__"}
    dynamic: list[Violation] = []
    external: list[Violation] = []
    files = 0
    dyn, ext = config.remedy("dynamic-imports"), config.remedy("standard-library-only")
    for path, module in _python_files(tree, checked):
        files += 1
        relative = path.relative_to(tree).as_posix()
        try:
            dynamic_imports, static_imports = imports_found(path.read_bytes(), relative)
        except (SyntaxError, ValueError) as error:
            line = getattr(error, "lineno", None)
            dynamic.append(
                Violation(
                    "dynamic-imports",
                    relative,
                    line,
                    (module,),
                    f"does not parse ({type(error).__name__}), so its imports are unknown",
                    "Fix the syntax error first.",
                    dyn.section,
                )
            )
            continue
        mine = owners.owner(module)
        for line, target in dynamic_imports:
            theirs = owners.owner(target)
            if theirs is not None and theirs != mine:
                dynamic.append(
                    Violation(
                        "dynamic-imports",
                        relative,
                        line,
                        (module, target),
                        f"{module} imports {target} dynamically",
                        dyn.advice,
                        dyn.section,
                    )
                )
        for line, target in static_imports:
            if target.split(".")[0] not in allowed_tops:
                external.append(
                    Violation(
                        "standard-library-only",
                        relative,
                        line,
                        (module, target),
                        f"{module} imports the third-party module {target}",
                        ext.advice,
                        ext.section,
                    )
                )
    return [
        CheckOutcome(
            "dynamic-imports", "No dynamic import of another domain", files, tuple(dynamic)
        ),
        CheckOutcome(
            "standard-library-only",
            "Kernel and domains use the standard library only",
            files,
            tuple(external),
        ),
    ]
