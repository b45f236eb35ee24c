"""The exercise's boundary checks on a workspace, through the monorepo's own checker.

The checker's code and the contracts config come from the grader's reference copy,
never from the workspace: only the workspace's source is read.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from deployment.boundaries import check_boundaries
from deployment.boundaries.config import load
from deployment.boundaries.model import CheckOutcome
from deployment.boundaries.static_scan import SCANS
from grader.application.ports import Workspace
from grader.domain.exercise import ContractMode, ContractRule
from grader.domain.result import ContractResult, ViolationInfo


class BoundaryContracts:
    def __init__(self, config_path: Path) -> None:
        self.config_path = config_path

    def known(self) -> tuple[str, ...]:
        return (*load(self.config_path).contract_names, *SCANS)

    def check(
        self, workspace: Workspace, rules: Sequence[ContractRule], section: str
    ) -> list[ContractResult]:
        if not rules:
            return []
        contract_ids = tuple(r.id for r in rules if r.id not in SCANS)
        report = check_boundaries(workspace.packages, self.config_path, contract_ids)
        outcomes = {o.check: o for o in report.outcomes}
        # import-linter failing as a whole reports under one id: it covers every contract.
        fallback = outcomes.get("import-contracts")
        return [_result(rule, outcomes.get(rule.id) or fallback, section) for rule in rules]


def _result(rule: ContractRule, outcome: CheckOutcome | None, section: str) -> ContractResult:
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
        ViolationInfo(v.file, v.line, v.message, v.chain, v.advice, v.section or section)
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
