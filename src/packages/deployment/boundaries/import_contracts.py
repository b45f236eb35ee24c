"""The import-linter contracts, run on a tree in a separate process.

import-linter is imported once, by a long-lived checker process (``_lint_worker.py
--serve``) that forks a fresh child per tree; checkers are started on first use, one
per concurrent check, and reused. A checker that fails or overruns is stopped, and
the check reports the error.
"""

from __future__ import annotations

import atexit
import json
import select
import subprocess
import sys
import threading
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


class _Checker:
    """A warm ``_lint_worker.py --serve`` process, asked one tree at a time."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(WORKER), "--serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )

    def ask(self, request: dict[str, Any], timeout: float) -> dict[str, Any]:
        assert self.process.stdin is not None, "started with stdin=PIPE"
        assert self.process.stdout is not None, "started with stdout=PIPE"
        try:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
        except OSError:
            return {"error": "import-linter failed: its checker process is gone"}
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        if not ready:
            self.stop()
            return {"error": f"import-linter did not finish within {timeout:g} s"}
        line = self.process.stdout.readline()
        try:
            answer: dict[str, Any] = json.loads(line)
        except json.JSONDecodeError:
            self.stop()
            return {"error": "import-linter failed: its checker process stopped"}
        return answer

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()


_idle: list[_Checker] = []
_lock = threading.Lock()


@atexit.register
def _stop_checkers() -> None:
    with _lock:
        while _idle:
            _idle.pop().stop()


def _check(request: dict[str, Any], timeout: float) -> dict[str, Any]:
    with _lock:
        checker = _idle.pop() if _idle else None
    checker = checker if checker is not None and checker.alive else _Checker()
    try:
        return checker.ask(request, timeout)
    finally:
        if checker.alive:
            with _lock:
                _idle.append(checker)


def run_contracts(
    tree: Path, config: BoundaryConfig, contract_ids: tuple[str, ...] = (), timeout: float = 120
) -> list[CheckOutcome]:
    """Check the contracts (all, or those named) on ``tree``; one outcome per contract."""
    request = {"config": str(config.path), "tree": str(tree), "ids": list(contract_ids)}
    data = _check(request, timeout)
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
