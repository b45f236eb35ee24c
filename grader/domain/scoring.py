"""Turning outcomes into points: exact, and a 0 is a 0.

* A test earns its points when it passed, nothing otherwise.
* A contract in points mode earns its points when kept, but only once some test
  earned points: an empty or starter answer keeps every boundary and deserves 0.
* A broken gate contract caps the whole score at 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal

from grader.domain.exercise import ContractMode
from grader.domain.result import ContractResult, TestResult


def total(tests: Iterable[TestResult], contracts: Iterable[ContractResult]) -> Decimal:
    """The score: points earned, capped at 0 when a gate contract is broken."""
    contracts = tuple(contracts)
    if any(c.mode == ContractMode.GATE and not c.kept for c in contracts):
        return Decimal(0)
    return sum((t.earned for t in tests), Decimal(0)) + sum(
        (c.earned for c in contracts), Decimal(0)
    )


def maximum(tests: Iterable[TestResult], contracts: Iterable[ContractResult]) -> Decimal:
    return sum((t.points for t in tests), Decimal(0)) + sum(
        (c.points for c in contracts), Decimal(0)
    )


def settle_contracts(
    tests: Iterable[TestResult], contracts: Iterable[ContractResult]
) -> tuple[ContractResult, ...]:
    """Contracts with their earnings withdrawn when no test earned anything."""
    contracts = tuple(contracts)
    if any(t.earned for t in tests):
        return contracts
    return tuple(replace(c, earned=Decimal(0)) for c in contracts)
