"""Hidden tests of exercise 04."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from data.data_science.application.customer_export import (
    EXPORT,
    CustomerExport,
    register_requirements,
)
from shared.exceptions import ComplianceViolation, NotAuthenticated
from shared.infrastructure.compliance import ComplianceFramework
from shared.infrastructure.gdpr import ProcessingRequest
from shared.infrastructure.security import SecurityContext, security_context

RECORDS = [{"customer_id": 1, "region": "north", "email": "a@example.com"}]
LAWFUL = ProcessingRequest("analytics", "consent", frozenset({"region"}), True)


class Untouchable(list[dict[str, object]]):
    """Records that fail the test if anyone reads them."""

    def __iter__(self) -> Iterator[dict[str, object]]:
        raise AssertionError("records were read although the export was blocked")


def service(records: list[dict[str, object]] = RECORDS) -> CustomerExport:
    compliance = ComplianceFramework()
    register_requirements(compliance)
    return CustomerExport(compliance, records)


async def test_an_unknown_caller_is_not_authenticated() -> None:
    """No security context at all: not authenticated"""
    with pytest.raises(NotAuthenticated):
        await service().export(None, LAWFUL)


async def test_a_wildcard_grant_is_enough() -> None:
    """data:* covers data:export, also from a security_context block"""
    admin = SecurityContext("ada", permissions={"data:*"})
    with security_context(admin):
        assert await service().export(admin, LAWFUL) == [{"region": "north"}]


async def test_extra_fields_break_data_minimisation() -> None:
    """Asking for more fields than the purpose needs is blocked"""
    greedy = ProcessingRequest("analytics", "consent", frozenset({"region", "email"}), True)

    with pytest.raises(ComplianceViolation):
        await service().export(SecurityContext("ada", permissions={"data:export"}), greedy)


async def test_a_blocked_export_reads_no_record() -> None:
    """A blocked export never reads the records"""
    no_consent = ProcessingRequest("analytics", "consent", frozenset({"region"}), False)
    exporter = SecurityContext("ada", permissions={"data:export"})

    with pytest.raises(ComplianceViolation):
        await service(Untouchable(RECORDS)).export(exporter, no_consent)


def test_requirements_are_registered_for_the_export() -> None:
    """GDPR requirements are registered for the export operation"""
    compliance = ComplianceFramework()
    register_requirements(compliance)

    assert EXPORT == "customer_export"
    assert {r.framework for r in compliance.requirements(EXPORT)} == {"GDPR"}
