"""Exercise 04: other correct guards earn full marks; plausible wrong ones do not."""

from __future__ import annotations

from decimal import Decimal

import pytest

from grader.domain.result import Outcome
from tests.exercises.support import failed, grade

PATH = "data/data_science/application/customer_export.py"

REFERENCE = """
from shared.exceptions import ComplianceViolation
from shared.infrastructure.gdpr import register_gdpr
from shared.infrastructure.security import require_permission

EXPORT = "customer_export"


def register_requirements(compliance):
    register_gdpr(compliance, EXPORT)


class CustomerExport:
    def __init__(self, compliance, records):
        self.compliance = compliance
        self.records = records

    @require_permission("data:export")
    async def export(self, context, request):
        report = await self.compliance.evaluate(EXPORT, request)
        if not report.compliant:
            raise ComplianceViolation(report, report.summary())
        return [{k: v for k, v in r.items() if k in request.fields} for r in self.records]
"""

CORRECT = {
    "one combined GDPR validator": REFERENCE.replace(
        "from shared.infrastructure.gdpr import register_gdpr",
        "from shared.infrastructure.gdpr import gdpr_validator",
    ).replace(
        "    register_gdpr(compliance, EXPORT)",
        '    compliance.register_requirement("GDPR", EXPORT, gdpr_validator)',
    ),
    "a separate compliance step": """
from typing import Any

from shared.exceptions import ComplianceViolation
from shared.infrastructure.compliance import ComplianceFramework
from shared.infrastructure.gdpr import ProcessingRequest, register_gdpr
from shared.infrastructure.security import SecurityContext, require_permission

EXPORT = "customer_export"


def register_requirements(compliance: ComplianceFramework) -> None:
    register_gdpr(compliance, operation=EXPORT)


class CustomerExport:
    def __init__(self, compliance: ComplianceFramework, records: list[dict[str, Any]]) -> None:
        self._compliance = compliance
        self._records = records

    async def _ensure_compliant(self, request: ProcessingRequest) -> None:
        report = await self._compliance.evaluate(EXPORT, request)
        if not report.compliant:
            raise ComplianceViolation(report, report.summary())

    @require_permission("data:export")
    async def export(self, context: SecurityContext, request: ProcessingRequest):
        await self._ensure_compliant(request)
        wanted = sorted(request.fields)
        return [{field: row[field] for field in wanted if field in row} for row in self._records]
""",
    "explicit permission check": """
from shared.exceptions import ComplianceViolation
from shared.infrastructure.gdpr import data_minimisation, lawful_basis, storage_limitation
from shared.infrastructure.security import require_permission

EXPORT = "customer_export"


def register_requirements(compliance):
    for check in (lawful_basis, data_minimisation, storage_limitation):
        compliance.register_requirement("GDPR", EXPORT, check)


class CustomerExport:
    def __init__(self, compliance, records):
        self.compliance, self.records = compliance, records

    @require_permission("data:export")
    async def export(self, context, request):
        verdict = await self.compliance.evaluate(EXPORT, request)
        if verdict.blocking:
            raise ComplianceViolation(verdict, verdict.summary())
        rows = []
        for record in self.records:
            rows.append(dict((k, record[k]) for k in record if k in request.fields))
        return rows
""",
}

WRONG = {
    "no permission check": (
        REFERENCE.replace('    @require_permission("data:export")\n', ""),
        8,
        {
            "test_a_caller_without_the_permission_is_refused": Outcome.FAILED,
            "test_an_unknown_caller_is_not_authenticated": Outcome.FAILED,
        },
    ),
    "reads the records before checking": (
        REFERENCE.replace(
            "        report = await self.compliance.evaluate(EXPORT, request)\n",
            "        rows = [dict(r) for r in self.records]\n"
            "        report = await self.compliance.evaluate(EXPORT, request)\n",
        ),
        9,
        {"test_a_blocked_export_reads_no_record": Outcome.FAILED},
    ),
    "every field returned": (
        REFERENCE.replace(
            "[{k: v for k, v in r.items() if k in request.fields} for r in self.records]",
            "[dict(r) for r in self.records]",
        ),
        7,
        {
            "test_an_allowed_lawful_export_returns_only_the_requested_fields": Outcome.FAILED,
            "test_a_wildcard_grant_is_enough": Outcome.FAILED,
        },
    ),
}


@pytest.mark.parametrize("name", CORRECT)
def test_other_correct_answers_earn_full_marks(name: str) -> None:
    result = grade("04-secure-calls", {PATH: CORRECT[name]})

    assert result.full_marks, (result.summary, failed(result))


@pytest.mark.parametrize("name", WRONG)
def test_wrong_answers_lose_the_right_points(name: str) -> None:
    source, score, failures = WRONG[name]

    result = grade("04-secure-calls", {PATH: source})

    assert failed(result) == failures
    assert result.score == Decimal(score), result.summary
