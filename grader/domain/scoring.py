"""Turning outcomes into points: exact, and a 0 is a 0.

* A test earns its points when it passed, nothing otherwise.
* A contract in points mode earns its points when kept; the coverage of the learner's
  own tests earns its tier's points. Both only once some test earned points: an empty
  or starter answer keeps every boundary, and its tests may cover it, yet it deserves 0.
* A broken gate contract caps the whole score at 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal

from grader.domain.exercise import ContractMode
from grader.domain.result import ContractResult, CoverageResult, TestResult


def total(
    tests: Iterable[TestResult],
    contracts: Iterable[ContractResult],
    coverage: CoverageResult | None = None,
) -> Decimal:
    """The score: points earned, capped at 0 when a gate contract is broken."""
    contracts = tuple(contracts)
    if any(c.mode == ContractMode.GATE and not c.kept for c in contracts):
        return Decimal(0)
    earned = [t.earned for t in tests] + [c.earned for c in contracts]
    return sum(earned, Decimal(0)) + (coverage.earned if coverage else Decimal(0))


def maximum(
    tests: Iterable[TestResult],
    contracts: Iterable[ContractResult],
    coverage: CoverageResult | None = None,
) -> Decimal:
    points = [t.points for t in tests] + [c.points for c in contracts]
    return sum(points, Decimal(0)) + (coverage.points if coverage else Decimal(0))


def settle_contracts(
    tests: Iterable[TestResult], contracts: Iterable[ContractResult]
) -> tuple[ContractResult, ...]:
    """Contracts with their earnings withdrawn when no test earned anything."""
    contracts = tuple(contracts)
    if any(t.earned for t in tests):
        return contracts
    return tuple(replace(c, earned=Decimal(0)) for c in contracts)


def settle_coverage(
    tests: Iterable[TestResult], coverage: CoverageResult | None
) -> CoverageResult | None:
    """The coverage result with its earnings withdrawn when no test earned anything."""
    if coverage is None or not coverage.earned or any(t.earned for t in tests):
        return coverage
    return replace(
        coverage,
        earned=Decimal(0),
        message=coverage.message + " Coverage earns points once the exercise's tests do.",
    )


def plain(value: Decimal) -> str:
    """Points as people write them: ``3``, ``1.5``, never ``3.0``, ``1.50`` or ``1E+1``."""
    return format(value.normalize(), "f")
