"""MkDocs hook: draw the domains' dependencies from the real import graph.

At build time, grimp reads every import under ``src/packages``; the imports are grouped
by unit (each domain of the independence contract in ``src/packages/.importlinter``,
the kernel ``shared`` and the composition root ``deployment``) and drawn as a mermaid
flowchart where a page says ``<!-- generated: dependency-graph -->``. An import from
one domain into another would show as a red edge and be listed under the diagram.
"""

from __future__ import annotations

import configparser
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import grimp

MARKER = "<!-- generated: dependency-graph -->"
ROOTS = ("shared", "data", "ai", "enterprise", "integrations", "deployment")


def read_domains(packages: Path) -> tuple[str, ...]:
    """The domains, as the boundary contracts list them (the independence contract)."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(packages / ".importlinter", encoding="utf-8")
    domains: list[str] = []
    for section in parser.sections():
        if section.startswith("importlinter:contract:") and (
            parser[section].get("type") == "independence"
        ):
            domains += parser[section].get("modules", "").split()
    return tuple(domains)


def unit_of(module: str, domains: tuple[str, ...]) -> str | None:
    """The unit a module belongs to: a domain, ``shared``, ``deployment`` or none."""
    for unit in (*domains, "shared", "deployment"):
        if module == unit or module.startswith(unit + "."):
            return unit
    return None


def unit_edges(packages: Path) -> tuple[tuple[str, ...], Counter[tuple[str, str]]]:
    """The domains, and how many imports go from each unit to each other unit."""
    if str(packages) not in sys.path:
        sys.path.insert(0, str(packages))
    domains = read_domains(packages)
    graph = grimp.build_graph(*ROOTS, cache_dir=None)
    edges: Counter[tuple[str, str]] = Counter()
    for importer in graph.modules:
        source = unit_of(importer, domains)
        for imported in graph.find_modules_directly_imported_by(importer):
            target = unit_of(imported, domains)
            if source and target and source != target:
                edges[(source, target)] += 1
    return domains, edges


def _node(unit: str) -> str:
    return unit.replace(".", "_")


def render(domains: tuple[str, ...], edges: Counter[tuple[str, str]]) -> str:
    """A mermaid flowchart, then a table of the imports it counts."""
    lines = ["```mermaid", "flowchart LR"]
    lines.append('  deployment["deployment<br/>(composition root)"]')
    for group in sorted({d.split(".")[0] for d in domains}):
        lines.append(f'  subgraph {group}["{group}/"]')
        lines += [f'    {_node(d)}["{d}"]' for d in domains if d.split(".")[0] == group]
        lines.append("  end")
    lines.append('  shared["shared<br/>(the kernel)"]')
    crossings = []
    for index, ((source, target), count) in enumerate(sorted(edges.items())):
        arrow = "-.->" if source == "deployment" else "-->"
        lines.append(f"  {_node(source)} {arrow}|{count}| {_node(target)}")
        if source in domains and target in domains:
            crossings.append((source, target, count))
            lines.append(f"  linkStyle {index} stroke:#d32f2f,stroke-width:3px")
    lines.append("  classDef kernel fill:#e8eaf6,stroke:#3949ab")
    lines.append("  class shared kernel")
    lines.append("```")
    lines += ["", "| from | to | imports |", "|---|---|---:|"]
    lines += [f"| `{s}` | `{t}` | {n} |" for (s, t), n in sorted(edges.items())]
    lines.append("")
    if crossings:
        listed = ", ".join(f"`{s}` → `{t}` ({n})" for s, t, n in crossings)
        lines.append(f'!!! failure "Domain-to-domain imports: {len(crossings)}"\n    {listed}')
    else:
        lines.append(
            '!!! success "No domain imports another domain"\n'
            f"    {len(domains)} domains; every arrow from a domain goes to `shared`."
        )
    alone = [d for d in domains if (d, "shared") not in edges]
    if alone:
        listed = ", ".join(f"`{d}`" for d in alone)
        lines.append(f"\nImporting nothing from the kernel at all: {listed}.")
    return "\n".join(lines) + "\n"


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    if MARKER not in markdown:
        return markdown
    packages = Path(config["config_file_path"]).parent / "src" / "packages"
    domains, edges = unit_edges(packages)
    return markdown.replace(MARKER, render(domains, edges))
