"""The import-linter contracts, checked with a pure-Python import graph (no subprocess).

import-linter's graph library is compiled, so it does not run where only pure Python does
(in the browser, under Pyodide). This module reads the same ``.importlinter`` config and
decides the same contracts from an ``ast`` reading of the tree:

* ``independence``: no module listed may import another listed one, directly or through
  any chain of imports;
* ``forbidden``: no source module imports a forbidden one, directly or through a chain;
* ``layers`` (with ``containers``): in each container, a layer imports no layer above it,
  directly or through a chain.

Behaviour choices, stated once:

* An import is every ``import`` or ``from ... import`` anywhere in a file (inside
  functions and ``if TYPE_CHECKING:`` blocks too), as import-linter counts them;
  ``from package import name`` points at ``package.name`` when that is a module, else at
  ``package``; relative imports are resolved against the importing module.
* Per pair of modules a contract keeps apart, every direct import is reported; when there
  is none, the shortest indirect chain is, so a violation names the same importer, the
  same imported module and the same line as the server's check.
* A contract that examined no import fails, as on the server; a contract type other than
  the three above is reported as a check that could not run, never as kept.

The outcomes have the shape of :func:`deployment.boundaries.import_contracts.run_contracts`'s,
so either can serve the grader.
"""

from __future__ import annotations

import ast
import configparser
import functools
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from deployment.boundaries.config import BoundaryConfig
from deployment.boundaries.import_contracts import module_file
from deployment.boundaries.model import CheckOutcome, Violation
from deployment.boundaries.static_scan import parse

CONTRACT_PREFIX = "importlinter:contract:"


@dataclass
class ImportGraph:
    """Modules of the root packages and the imports between them, with line numbers."""

    modules: set[str] = field(default_factory=set)
    lines: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    imports: dict[str, set[str]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.lines)

    def add(self, importer: str, imported: str, line: int) -> None:
        self.imports.setdefault(importer, set()).add(imported)
        self.lines.setdefault((importer, imported), []).append(line)

    def within(self, package: str) -> set[str]:
        """``package`` and every module below it."""
        return {m for m in self.modules if m == package or m.startswith(package + ".")}

    def chain(self, sources: set[str], targets: set[str]) -> list[str] | None:
        """The shortest import chain from a source module to a target module."""
        previous: dict[str, str | None] = dict.fromkeys(sorted(sources))
        queue = deque(sorted(sources))
        while queue:
            current = queue.popleft()
            for imported in sorted(self.imports.get(current, ())):
                if imported in previous:
                    continue
                previous[imported] = current
                if imported in targets:
                    path = [imported]
                    while (step := previous[path[-1]]) is not None:
                        path.append(step)
                    return path[::-1]
                queue.append(imported)
        return None


def _module_name(tree: Path, path: Path) -> str:
    relative = path.relative_to(tree).with_suffix("")
    parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
    return ".".join(parts)


def _targets(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> Iterator[str]:
    """The names one import statement brings in, relative imports resolved."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name
        return
    base = node.module or ""
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join([*package, *([base] if base else [])])
    for alias in node.names:
        yield f"{base}.{alias.name}" if alias.name != "*" else base


@functools.lru_cache(maxsize=1024)
def _imports_of(source: bytes, relative: str) -> tuple[tuple[int, frozenset[str]], ...]:
    """(line, names) of each import statement of one file, remembered by its source: a
    tree checked again reads only what changed. Raises SyntaxError or ValueError."""
    path = Path(relative)
    module = _module_name(Path(), path)
    is_package = path.name == "__init__.py"
    return tuple(
        (node.lineno, frozenset(_targets(node, module, is_package)))
        for node in ast.walk(parse(source, relative))
        if isinstance(node, ast.Import | ast.ImportFrom)
    )


def build_graph(tree: Path, roots: Iterable[str]) -> ImportGraph:
    """Read every module of ``roots`` under ``tree``; a file that does not parse adds no
    import (the static scan reports it)."""
    graph = ImportGraph()
    files = [p for root in roots for p in sorted((tree / root).rglob("*.py"))]
    graph.modules = {_module_name(tree, p) for p in files}
    for path in files:
        module = _module_name(tree, path)
        try:
            statements = _imports_of(path.read_bytes(), path.relative_to(tree).as_posix())
        except (SyntaxError, ValueError):
            continue
        for line, targets in statements:
            for target in targets:
                imported = _existing(graph.modules, target)
                if imported and imported != module:
                    graph.add(module, imported, line)
    return graph


def _existing(modules: set[str], name: str) -> str | None:
    """The module ``name`` refers to: itself, or its longest prefix that is a module."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def _lines(value: str) -> list[str]:
    return [part.strip() for part in value.replace(",", "\n").splitlines() if part.strip()]


@dataclass(frozen=True)
class _Pair:
    """Modules of ``source`` must not reach modules of ``target``."""

    source: str
    target: str


def _pairs(kind: str, options: configparser.SectionProxy) -> list[_Pair] | None:
    if kind == "independence":
        listed = _lines(options.get("modules", ""))
        return [_Pair(a, b) for a in listed for b in listed if a != b]
    if kind == "forbidden":
        sources, forbidden = (
            _lines(options.get("source_modules", "")),
            _lines(options.get("forbidden_modules", "")),
        )
        return [_Pair(s, f) for s in sources for f in forbidden]
    if kind == "layers":
        layers = _lines(options.get("layers", ""))
        containers = _lines(options.get("containers", "")) or [""]
        pairs = []
        for container in containers:
            named = [f"{container}.{layer}" if container else layer for layer in layers]
            for high, higher in enumerate(named):
                for lower in named[high + 1 :]:
                    pairs.append(_Pair(lower, higher))
        return pairs
    return None


def check_contract(
    tree: Path,
    graph: ImportGraph,
    contract_id: str,
    options: configparser.SectionProxy,
    config: BoundaryConfig,
) -> CheckOutcome:
    name = options.get("name", contract_id)
    kind = options.get("type", "")
    pairs = _pairs(kind, options)
    if pairs is None:
        return CheckOutcome(
            contract_id, name, 0, error=f"contract type '{kind}' is not checked here"
        )
    remedy = config.remedy(contract_id)
    violations: list[Violation] = []
    for pair in pairs:
        sources, targets = graph.within(pair.source), graph.within(pair.target)
        direct = sorted(
            (importer, imported)
            for importer in sources
            for imported in graph.imports.get(importer, ())
            if imported in targets
        )
        chains = [list(edge) for edge in direct]
        if not chains:
            found = graph.chain(sources, targets)
            chains = [found] if found else []
        for chain in chains:
            violations.append(
                _violation(tree, graph, contract_id, chain, remedy.advice, remedy.section)
            )
    error = None if graph.count else "examined no import: are the root packages right?"
    return CheckOutcome(contract_id, name, graph.count, tuple(violations), error)


def _violation(
    tree: Path, graph: ImportGraph, check: str, chain: list[str], advice: str, section: str
) -> Violation:
    via = f" (via {' -> '.join(chain[1:-1])})" if len(chain) > 2 else ""
    lines = graph.lines.get((chain[0], chain[1]), [])
    return Violation(
        check=check,
        file=module_file(tree, chain[0]),
        line=min(lines) if lines else None,
        chain=tuple(chain),
        message=f"{chain[0]} imports {chain[-1]}{via}",
        advice=advice,
        section=section,
    )


def run_contracts(
    tree: Path, config: BoundaryConfig, contract_ids: tuple[str, ...] = ()
) -> list[CheckOutcome]:
    """Check the contracts (all, or those named) on ``tree``; one outcome per contract,
    as :func:`deployment.boundaries.import_contracts.run_contracts` returns them."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(config.path, encoding="utf-8")
    contracts = {
        section[len(CONTRACT_PREFIX) :]: parser[section]
        for section in parser.sections()
        if section.startswith(CONTRACT_PREFIX)
    }
    unknown = [c for c in contract_ids if c not in contracts]
    if unknown:
        return [
            CheckOutcome(
                "import-contracts", "import contracts", 0, error=f"unknown contracts: {unknown}"
            )
        ]
    graph = build_graph(tree, config.root_packages)
    chosen = contract_ids or tuple(contracts)
    return [check_contract(tree, graph, cid, contracts[cid], config) for cid in chosen]
