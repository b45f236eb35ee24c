"""Public tests of exercise 04: permission and compliance on the export."""

from __future__ import annotations

import pytest

from data.data_science.application.customer_export import (
    CustomerExport,
    register_requirements,
)
from grader.testing import assert_strict_equal
from shared.exceptions import ComplianceViolation, PermissionDenied
from shared.infrastructure.compliance import ComplianceFramework, ComplianceReport
from shared.infrastructure.gdpr import ProcessingRequest
from shared.infrastructure.security import SecurityContext, add_audit_sink

RECORDS = [
    {"customer_id": 1, "region": "north", "purchases": 3, "email": "a@example.com"},
    {"customer_id": 2, "region": "south", "purchases": 5, "email": "b@example.com"},
]
EXPORTER = SecurityContext("erin", roles={"analyst"}, permissions={"data:read", "data:export"})
READER = SecurityContext("rob", roles={"viewer"}, permissions={"data:read"})
LAWFUL = ProcessingRequest("analytics", "consent", frozenset({"customer_id", "region"}), True)
NO_CONSENT = ProcessingRequest("analytics", "consent", frozenset({"region"}), False)
EXPECTED = [{"customer_id": 1, "region": "north"}, {"customer_id": 2, "region": "south"}]


def export_service() -> CustomerExport:
    compliance = ComplianceFramework()
    register_requirements(compliance)
    return CustomerExport(compliance, [dict(r) for r in RECORDS])


@pytest.mark.points(2)
async def test_an_allowed_lawful_export_returns_only_the_requested_fields() -> None:
    """An allowed, lawful export returns the records, in order, with the requested fields only"""
    rows = await export_service().export(EXPORTER, LAWFUL)

    assert_strict_equal(rows, EXPECTED)


async def test_a_caller_without_the_permission_is_refused() -> None:
    """A caller without data:export is refused, and the refusal is audited"""
    service = export_service()
    decisions = []
    remove = add_audit_sink(decisions.append)
    try:
        with pytest.raises(PermissionDenied):
            await service.export(READER, LAWFUL)
        rows = await service.export(EXPORTER, LAWFUL)
    finally:
        remove()

    assert_strict_equal(
        [(d.user_id, d.permission, d.granted) for d in decisions],
        [("rob", "data:export", False), ("erin", "data:export", True)],
    )
    assert_strict_equal(rows, EXPECTED)


@pytest.mark.points(2)
async def test_an_export_without_consent_is_blocked() -> None:
    """Consent as the basis, but not given: the export is blocked with the compliance report"""
    with pytest.raises(ComplianceViolation) as caught:
        await export_service().export(EXPORTER, NO_CONSENT)

    report = caught.value.report
    assert type(report) is ComplianceReport, f"the error carries a {type(report).__name__}"
    assert_strict_equal(report.operation, "customer_export")
    assert_strict_equal(report.compliant, False)
    assert_strict_equal(str(caught.value), report.summary())
    assert "consent was not given" in report.summary(), report.summary()
