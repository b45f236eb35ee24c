"""Hidden tests of exercise 04."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from data.data_science.application.customer_export import (
    EXPORT,
    CustomerExport,
    register_requirements,
)
from grader.testing import assert_strict_equal
from shared.exceptions import ComplianceViolation, NotAuthenticated, PermissionDenied
from shared.infrastructure.compliance import ComplianceFramework, ComplianceReport
from shared.infrastructure.gdpr import ProcessingRequest
from shared.infrastructure.security import SecurityContext, add_audit_sink

RECORDS = [
    {"customer_id": 1, "region": "north", "email": "a@example.com"},
    {"customer_id": 2, "region": "south", "email": "b@example.com"},
    {"customer_id": 3, "region": "east", "email": "c@example.com"},
]
LAWFUL = ProcessingRequest("analytics", "consent", frozenset({"region"}), True)
NO_CONSENT = ProcessingRequest("analytics", "consent", frozenset({"region"}), False)
REGIONS = [{"region": "north"}, {"region": "south"}, {"region": "east"}]
EXPORTER = SecurityContext("ada", permissions={"data:export"})
READER = SecurityContext("rob", permissions={"data:read"})


def copies() -> list[dict[str, Any]]:
    return [dict(r) for r in RECORDS]


def service(records: list[dict[str, Any]] | None = None) -> CustomerExport:
    compliance = ComplianceFramework()
    register_requirements(compliance)
    return CustomerExport(compliance, copies() if records is None else records)


class Journal:
    """What happened, in order: evaluations of the export's requirements, record reads."""

    def __init__(self) -> None:
        self.events: list[str] = []

    def evaluated(self, request: object) -> bool:
        self.events.append("evaluated")
        return True

    def records(self) -> list[dict[str, Any]]:
        journal = self

        class Watched(dict[str, Any]):
            """A record that notes each read."""

            def _read(self) -> None:
                journal.events.append("read")

            def __getitem__(self, key: str) -> Any:
                self._read()
                return super().__getitem__(key)

            def __iter__(self) -> Iterator[str]:
                self._read()
                return super().__iter__()

            def __contains__(self, key: object) -> bool:
                self._read()
                return super().__contains__(key)

            def __len__(self) -> int:
                self._read()
                return super().__len__()

            def get(self, key: str, default: Any = None) -> Any:
                self._read()
                return super().get(key, default)

            def keys(self) -> Any:
                self._read()
                return super().keys()

            def items(self) -> Any:
                self._read()
                return super().items()

            def values(self) -> Any:
                self._read()
                return super().values()

            def copy(self) -> dict[str, Any]:
                self._read()
                return dict(super().items())

        return [Watched(r) for r in RECORDS]

    def service(self) -> CustomerExport:
        """An export whose framework also notes each evaluation of its requirements."""
        compliance = ComplianceFramework()
        register_requirements(compliance)
        compliance.register_requirement("journal", EXPORT, self.evaluated)
        export = CustomerExport(compliance, self.records())
        self.events.clear()  # reading the records to keep them is not exporting them
        return export


class Decisions:
    """The access decisions audited while the block runs."""

    def __enter__(self) -> list[tuple[Any, ...]]:
        self.seen: list[tuple[Any, ...]] = []
        self.remove = add_audit_sink(
            lambda d: self.seen.append((d.user_id, d.permission, d.granted))
        )
        return self.seen

    def __exit__(self, *exc: object) -> None:
        self.remove()


async def test_an_unknown_caller_is_not_authenticated() -> None:
    """No security context at all: not authenticated, whatever the request, and audited"""
    export = service()

    with Decisions() as decisions:
        with pytest.raises(NotAuthenticated):
            await export.export(None, LAWFUL)
        with pytest.raises(NotAuthenticated):
            await export.export(None, NO_CONSENT)
        rows = await export.export(EXPORTER, LAWFUL)

    assert_strict_equal(
        decisions,
        [(None, "data:export", False), (None, "data:export", False), ("ada", "data:export", True)],
    )
    assert_strict_equal(rows, REGIONS)


async def test_the_caller_is_checked_before_the_request() -> None:
    """A caller without the permission is refused before any requirement is evaluated"""
    journal = Journal()
    export = journal.service()

    with pytest.raises(PermissionDenied):
        await export.export(READER, NO_CONSENT)
    refused = list(journal.events)
    rows = await export.export(EXPORTER, LAWFUL)

    assert_strict_equal(refused, [])
    assert_strict_equal(rows, REGIONS)


async def test_a_wildcard_grant_is_enough() -> None:
    """data:* and * both cover data:export"""
    export = service()

    by_resource = await export.export(SecurityContext("ada", permissions={"data:*"}), LAWFUL)
    by_admin = await export.export(SecurityContext("root", permissions={"*"}), LAWFUL)

    assert_strict_equal(by_resource, REGIONS)
    assert_strict_equal(by_admin, REGIONS)


OLD = datetime.now(UTC) - timedelta(days=400)
BLOCKED = {
    "no consent": NO_CONSENT,
    "more fields than the purpose needs": ProcessingRequest(
        "analytics", "consent", frozenset({"region", "email"}), True
    ),
    "records kept past retention": ProcessingRequest(
        "analytics", "consent", frozenset({"region"}), True, OLD
    ),
    "no lawful basis": ProcessingRequest("analytics", "curiosity", frozenset({"region"}), True),
    "legitimate interests without a balancing test": ProcessingRequest(
        "analytics", "legitimate_interests", frozenset({"region"})
    ),
    "a purpose with no allowed fields": ProcessingRequest(
        "marketing", "consent", frozenset({"region"}), True
    ),
}


@pytest.mark.points(2)
@pytest.mark.parametrize("case", BLOCKED)
async def test_every_gdpr_requirement_blocks_the_export(case: str) -> None:
    """An export GDPR does not allow is blocked with its report, and no record is read"""
    journal = Journal()
    export = journal.service()

    with pytest.raises(ComplianceViolation) as caught:
        await export.export(EXPORTER, BLOCKED[case])

    report = caught.value.report
    assert type(report) is ComplianceReport, f"the error carries a {type(report).__name__}"
    assert_strict_equal(report.operation, EXPORT)
    assert_strict_equal(report.compliant, False)
    assert_strict_equal(str(caught.value), report.summary())
    assert_strict_equal(journal.events, ["evaluated"])


async def test_records_are_read_only_after_the_evaluation() -> None:
    """An allowed export evaluates the requirements first, then reads the records"""
    journal = Journal()
    export = journal.service()

    rows = await export.export(EXPORTER, LAWFUL)

    assert_strict_equal(rows, REGIONS)
    assert_strict_equal(journal.events[:1], ["evaluated"])
    assert "read" in journal.events, "the records were never read"


async def test_every_requirement_registered_for_the_export_is_enforced() -> None:
    """The export obeys every requirement registered for it on its framework, and only those"""
    compliance = ComplianceFramework()
    register_requirements(compliance)
    compliance.register_requirement("company", "other_operation", lambda request: False)
    export = CustomerExport(compliance, copies())
    allowed = await export.export(EXPORTER, LAWFUL)
    compliance.register_requirement(
        "company", EXPORT, lambda request: False, requirement_id="freeze"
    )

    with pytest.raises(ComplianceViolation) as caught:
        await export.export(EXPORTER, LAWFUL)

    assert_strict_equal(allowed, REGIONS)
    blocking = [r.requirement.key for r in caught.value.report.blocking]
    assert_strict_equal(blocking, ["company/customer_export/freeze"])


def test_requirements_are_registered_for_the_export() -> None:
    """GDPR requirements are registered for customer_export, and for nothing else"""
    compliance = ComplianceFramework()
    register_requirements(compliance)

    assert_strict_equal(EXPORT, "customer_export")
    registered = {(r.framework, r.operation) for r in compliance.requirements()}
    assert_strict_equal(registered, {("GDPR", "customer_export")})


@pytest.mark.parametrize("empty", ["no records", "no fields"])
async def test_empty_and_repeated_exports(empty: str) -> None:
    """No records or no fields give empty results; exports leave the records as they were"""
    records = [] if empty == "no records" else copies()
    export = service(records)
    nothing = ProcessingRequest("analytics", "consent", frozenset(), True)
    ids = ProcessingRequest("analytics", "consent", frozenset({"customer_id"}), True)

    first = await export.export(EXPORTER, nothing if empty == "no fields" else LAWFUL)
    second = await export.export(EXPORTER, ids)
    third = await export.export(EXPORTER, LAWFUL)

    if empty == "no records":
        assert_strict_equal([first, second, third], [[], [], []])
    else:
        assert_strict_equal(first, [{}, {}, {}])
        assert_strict_equal(second, [{"customer_id": 1}, {"customer_id": 2}, {"customer_id": 3}])
        assert_strict_equal(third, REGIONS)
    assert_strict_equal(records, [] if empty == "no records" else copies())
