"""Public tests of exercise 04: permission and compliance on the export."""

from __future__ import annotations

import pytest

from data.data_science.application.customer_export import (
    CustomerExport,
    register_requirements,
)
from shared.exceptions import ComplianceViolation, PermissionDenied
from shared.infrastructure.compliance import ComplianceFramework
from shared.infrastructure.gdpr import ProcessingRequest
from shared.infrastructure.security import SecurityContext

RECORDS = [
    {"customer_id": 1, "region": "north", "purchases": 3, "email": "a@example.com"},
    {"customer_id": 2, "region": "south", "purchases": 5, "email": "b@example.com"},
]
EXPORTER = SecurityContext("erin", roles={"analyst"}, permissions={"data:read", "data:export"})
READER = SecurityContext("rob", roles={"viewer"}, permissions={"data:read"})
LAWFUL = ProcessingRequest("analytics", "consent", frozenset({"customer_id", "region"}), True)


def export_service() -> CustomerExport:
    compliance = ComplianceFramework()
    register_requirements(compliance)
    return CustomerExport(compliance, RECORDS)


@pytest.mark.points(2)
async def test_an_allowed_lawful_export_returns_only_the_requested_fields() -> None:
    """An allowed, lawful export returns the requested fields only"""
    rows = await export_service().export(EXPORTER, LAWFUL)

    assert rows == [{"customer_id": 1, "region": "north"}, {"customer_id": 2, "region": "south"}]


async def test_a_caller_without_the_permission_is_refused() -> None:
    """A caller without data:export is refused"""
    with pytest.raises(PermissionDenied):
        await export_service().export(READER, LAWFUL)


@pytest.mark.points(2)
async def test_an_export_without_consent_is_blocked() -> None:
    """Consent as the basis, but not given: the export is blocked"""
    no_consent = ProcessingRequest("analytics", "consent", frozenset({"region"}), False)

    with pytest.raises(ComplianceViolation) as caught:
        await export_service().export(EXPORTER, no_consent)

    assert "consent" in str(caught.value)
