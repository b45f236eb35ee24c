"""Command line of the boundary check (see scripts/boundary-violation-check.py)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from deployment.boundaries import check_boundaries
from deployment.boundaries.model import BoundaryReport


def render(report: BoundaryReport) -> str:
    lines = []
    for outcome in report.outcomes:
        mark = "✓" if outcome.kept else "✗"
        counted = f"{outcome.examined} examined"
        lines.append(f"{mark} {outcome.name} [{outcome.check}] ({counted})")
        if outcome.error:
            lines.append(f"    could not check: {outcome.error}")
        for violation in outcome.violations:
            lines.append(f"    {violation.location}: {violation.message}")
            if len(violation.chain) > 1:
                lines.append(f"        chain: {' -> '.join(violation.chain)}")
            if violation.advice:
                lines.append(f"        instead: {violation.advice}")
            if violation.section:
                lines.append(f"        read: {violation.section}")
    count = len(report.violations)
    verdict = "boundaries intact" if report.ok else f"{count} violation(s)"
    if not report.ok and not count:
        verdict = "a check could not run"
    lines.append(f"\n{verdict} in {report.tree}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="boundary-violation-check",
        description="Check the monorepo's domain boundaries: import-linter contracts, "
        "dynamic imports of other domains, standard-library-only domains.",
    )
    parser.add_argument("tree", type=Path, help="the packages folder, e.g. src/packages")
    parser.add_argument(
        "--fail-on-violations",
        action="store_true",
        help="exit with status 1 when a check is broken or could not run",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--config", type=Path, help="boundaries config (default: TREE/.importlinter)"
    )
    parser.add_argument(
        "--contract",
        action="append",
        default=[],
        metavar="ID",
        help="run only this import-linter contract (repeatable)",
    )
    args = parser.parse_args(argv)
    if not args.tree.is_dir():
        parser.error(f"{args.tree} is not a folder")
    try:
        report = check_boundaries(args.tree, args.config, tuple(args.contract) or None)
    except (FileNotFoundError, ValueError) as error:
        print(f"boundary-violation-check: {error}", file=sys.stderr)
        return 2
    print(json.dumps(report.to_dict(), indent=2) if args.json else render(report))
    return 1 if args.fail_on_violations and not report.ok else 0
