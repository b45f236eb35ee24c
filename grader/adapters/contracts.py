"""The exercise's boundary checks on a workspace, through the monorepo's own checker.

The checker's code and the contracts config come from the grader's reference copy,
never from the workspace: only the workspace's source is read.

``runtime-imports`` is a contract id too, but it is not checked here: the import watch
inside the test process reports it (see :mod:`grader.adapters.inprocess`), and the
grading use case turns that report into its contract result.
"""

from __future__ import annotations

import ast
import configparser
from collections.abc import Callable, Sequence
from pathlib import Path

from deployment.boundaries.config import BoundaryConfig, load
from deployment.boundaries.import_contracts import run_contracts
from deployment.boundaries.model import CheckOutcome
from deployment.boundaries.static_scan import SCANS, scan
from grader.adapters.parsing import PARSE_LOCK
from grader.application.ports import RUNTIME_IMPORTS, Workspace
from grader.domain.exercise import ContractMode, ContractRule
from grader.domain.result import ContractResult, ViolationInfo
from grader.errors import ContractsError

ContractRun = Callable[[Path, BoundaryConfig, tuple[str, ...]], list[CheckOutcome]]


class BoundaryContracts:
    """The course's boundary contracts, read once: a config that cannot be read is one
    :class:`ContractsError` sentence, never a traceback. ``run`` checks the import-linter
    contracts: import-linter in its own process by default, or the pure-Python graph
    (:mod:`deployment.boundaries.graph`) in the browser."""

    def __init__(self, config_path: Path, run: ContractRun = run_contracts) -> None:
        self.config_path = config_path
        self.run = run
        try:
            self.config = load(config_path)
        except (configparser.Error, ValueError, OSError, UnicodeDecodeError) as error:
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise ContractsError(config_path, reason) from None

    def known(self) -> tuple[str, ...]:
        return (*self.config.contract_names, *SCANS, RUNTIME_IMPORTS)

    def domains(self) -> tuple[str, ...]:
        """The modules of the independence contract: what the run-time watch keeps apart."""
        return self.config.domains

    def remedy(self, check: str) -> tuple[str, str]:
        """What to do instead, and the course section to read, when ``check`` breaks."""
        remedy = self.config.remedy(check)
        return remedy.advice, remedy.section

    def check(
        self, workspace: Workspace, rules: Sequence[ContractRule], section: str
    ) -> list[ContractResult]:
        rules = [r for r in rules if r.id != RUNTIME_IMPORTS]  # reported by the test process
        if not rules:
            return []
        contract_ids = tuple(r.id for r in rules if r.id not in SCANS)
        # What deployment.boundaries.check_boundaries does, with the in-process ``ast``
        # scan under the grader's parse lock (import-linter runs in its own process).
        tree = workspace.packages.resolve()
        config = self.config
        found = self.run(tree, config, contract_ids) if contract_ids else []
        with PARSE_LOCK:
            found += scan(tree, config)
        outcomes = {o.check: o for o in found}
        # import-linter failing as a whole reports under one id: it covers every contract.
        fallback = outcomes.get("import-contracts")
        with PARSE_LOCK:
            return [
                _result(rule, outcomes.get(rule.id) or fallback, section, tree) for rule in rules
            ]


def imports_of(tree: Path, file: str) -> tuple[str, ...]:
    """The modules ``file`` (under ``tree``) imports, relative imports resolved; sorted.

    Read with ``ast``, never run. A file that is missing or does not parse has none.
    """
    path = tree / file
    try:
        parsed = ast.parse(path.read_text(encoding="utf-8"), filename=file)
    except (OSError, SyntaxError, ValueError):
        return ()
    package = Path(file).with_suffix("").parts
    package = package if Path(file).name == "__init__.py" else package[:-1]
    found: set[str] = set()
    for node in ast.walk(parsed):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else ()
            name = ".".join((*base, *(node.module or "").split("."))).strip(".")
            if name:
                found.add(name)
    return tuple(sorted(found))


def _result(
    rule: ContractRule, outcome: CheckOutcome | None, section: str, tree: Path
) -> ContractResult:
    if outcome is None:
        return ContractResult(
            rule.id,
            rule.id,
            rule.mode.value,
            rule.points,
            0 * rule.points,
            False,
            error="this check did not run",
        )
    violations = tuple(
        ViolationInfo(
            v.file,
            v.line,
            v.message,
            v.chain,
            v.advice,
            v.section or section,
            imports_of(tree, v.file) if v.file else (),
        )
        for v in outcome.violations
    )
    earned = rule.points if outcome.kept and rule.mode is ContractMode.POINTS else 0 * rule.points
    return ContractResult(
        rule.id,
        outcome.name,
        rule.mode.value,
        rule.points,
        earned,
        outcome.kept,
        violations,
        outcome.error,
    )
