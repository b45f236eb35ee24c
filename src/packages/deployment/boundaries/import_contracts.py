"""The import-linter contracts, run on a tree in a separate process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from deployment.boundaries.config import BoundaryConfig
from deployment.boundaries.model import CheckOutcome, Violation

WORKER = Path(__file__).with_name("_lint_worker.py")


def module_file(tree: Path, module: str) -> str:
    """The file of ``module`` relative to ``tree`` (a package's ``__init__.py``)."""
    base = Path(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if (tree / candidate).is_file():
            return candidate.as_posix()
    return base.with_suffix(".py").as_posix()


def run_contracts(
    tree: Path, config: BoundaryConfig, contract_ids: tuple[str, ...] = (), timeout: float = 120
) -> list[CheckOutcome]:
    """Check the contracts (all, or those named) on ``tree``; one outcome per contract."""
    try:
        completed = subprocess.run(
            [sys.executable, str(WORKER), str(config.path), str(tree), *contract_ids],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
        data: dict[str, Any] = json.loads(lines[-1])
    except subprocess.TimeoutExpired:
        data = {"error": f"import-linter did not finish within {timeout:g} s"}
    except (json.JSONDecodeError, IndexError):
        data = {"error": f"import-linter failed: {completed.stderr.strip()[-500:]}"}
    if data.get("error"):
        error = str(data["error"]).replace(f"{tree}/", "")  # paths relative to the tree
        return [CheckOutcome("import-contracts", "import-linter contracts", 0, error=error)]
    imports = int(data["imports"])
    return [_outcome(tree, config, contract, imports) for contract in data["contracts"]]


def _outcome(
    tree: Path, config: BoundaryConfig, contract: dict[str, Any], imports: int
) -> CheckOutcome:
    check = contract["id"]
    remedy = config.remedy(check)
    violations = []
    for chain in contract["chains"]:
        modules = (chain[0]["importer"], *(link["imported"] for link in chain))
        lines = chain[0]["line_numbers"]
        via = f" (via {' -> '.join(modules[1:-1])})" if len(modules) > 2 else ""
        violations.append(
            Violation(
                check=check,
                file=module_file(tree, modules[0]),
                line=lines[0] if lines else None,
                chain=modules,
                message=f"{modules[0]} imports {modules[-1]}{via}",
                advice=remedy.advice,
                section=remedy.section,
            )
        )
    if not contract["kept"] and not violations:
        violations.append(
            Violation(
                check,
                "",
                None,
                (),
                "broken, but import-linter gave no chain",
                remedy.advice,
                remedy.section,
            )
        )
    error = None if imports else "examined no import: are the root packages right?"
    return CheckOutcome(check, contract["name"], imports, tuple(violations), error)
