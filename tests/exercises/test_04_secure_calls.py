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

CORRECT["the kernel's decorators, applied in __init__"] = """
from shared.infrastructure.gdpr import register_gdpr
from shared.infrastructure.security import require_permission

EXPORT = "customer_export"


def register_requirements(compliance):
    register_gdpr(compliance, EXPORT)


class CustomerExport:
    def __init__(self, compliance, records):
        self._records = records
        checked = compliance.enforce(EXPORT, payload="request")(self._export)
        self.export = require_permission("data:export")(checked)

    async def _export(self, context, request):
        return [
            {field: record[field] for field in record if field in request.fields}
            for record in self._records
        ]
"""

EVALUATE = "        report = await self.compliance.evaluate(EXPORT, request)\n"
RAISE = "            raise ComplianceViolation(report, report.summary())\n"
ROWS = "[{k: v for k, v in r.items() if k in request.fields} for r in self.records]"
DECORATOR = '    @require_permission("data:export")\n'

ALLOWED = "test_an_allowed_lawful_export_returns_only_the_requested_fields"
REFUSED = "test_a_caller_without_the_permission_is_refused"
NO_CONSENT = "test_an_export_without_consent_is_blocked"
UNKNOWN = "test_an_unknown_caller_is_not_authenticated"
CALLER_FIRST = "test_the_caller_is_checked_before_the_request"
WILDCARD = "test_a_wildcard_grant_is_enough"
GDPR = "test_every_gdpr_requirement_blocks_the_export"
READ_AFTER = "test_records_are_read_only_after_the_evaluation"
EVERY = "test_every_requirement_registered_for_the_export_is_enforced"
REGISTERED = "test_requirements_are_registered_for_the_export"
EMPTY = "test_empty_and_repeated_exports"


def failing(*tests: str) -> dict[str, Outcome]:
    return dict.fromkeys(tests, Outcome.FAILED)


WRONG = {
    "no permission check": (
        REFERENCE.replace(DECORATOR, ""),
        11,
        failing(REFUSED, UNKNOWN, CALLER_FIRST),
    ),
    "reads the records before checking": (
        REFERENCE.replace(EVALUATE, "        rows = [dict(r) for r in self.records]\n" + EVALUATE),
        11,
        failing(GDPR, READ_AFTER),
    ),
    "every field returned": (
        REFERENCE.replace(ROWS, "[dict(r) for r in self.records]"),
        5,
        failing(ALLOWED, REFUSED, UNKNOWN, CALLER_FIRST, WILDCARD, READ_AFTER, EVERY, EMPTY),
    ),
    "the wrong permission": (
        REFERENCE.replace('@require_permission("data:export")', '@require_permission("data:read")'),
        6,
        failing(REFUSED, UNKNOWN, CALLER_FIRST, GDPR, READ_AFTER, EVERY, EMPTY),
    ),
    "the request is checked before the caller": (
        REFERENCE.replace(DECORATOR, "").replace(
            "        return " + ROWS,
            "        return await self._rows(context, request)\n\n"
            + DECORATOR
            + "    async def _rows(self, context, request):\n        return "
            + ROWS,
        ),
        12,
        failing(UNKNOWN, CALLER_FIRST),
    ),
    "only the lawful basis is registered": (
        REFERENCE.replace(
            "from shared.infrastructure.gdpr import register_gdpr",
            "from shared.infrastructure.gdpr import lawful_basis",
        ).replace(
            "    register_gdpr(compliance, EXPORT)",
            '    compliance.register_requirement("GDPR", EXPORT, lawful_basis)',
        ),
        12,
        failing(GDPR),
    ),
    "another operation's requirements": (
        REFERENCE.replace("evaluate(EXPORT, request)", 'evaluate("export", request)'),
        8,
        failing(NO_CONSENT, GDPR, READ_AFTER, EVERY),
    ),
    "a blocked export returns nothing": (
        REFERENCE.replace(RAISE, "            return []\n"),
        9,
        failing(NO_CONSENT, GDPR, EVERY),
    ),
    "a person's decision counts as compliant": (
        REFERENCE.replace(
            "        if not report.compliant:\n",
            '        if any(r.status.value == "FAIL" for r in report.results):\n',
        ),
        12,
        failing(GDPR),
    ),
    "a framework of its own": (
        REFERENCE.replace(
            "        self.compliance = compliance\n",
            "        self.compliance = type(compliance)()\n"
            "        register_requirements(self.compliance)\n",
        ),
        10,
        failing(GDPR, READ_AFTER, EVERY),
    ),
    "a permission check by hand, not audited": (
        REFERENCE.replace(DECORATOR, "")
        .replace(
            "from shared.exceptions import ComplianceViolation",
            "from shared.exceptions import ComplianceViolation, NotAuthenticated, PermissionDenied",
        )
        .replace(
            EVALUATE,
            "        if context is None:\n"
            '            raise NotAuthenticated("who are you?")\n'
            '        if not context.has_permission("data:export"):\n'
            '            raise PermissionDenied(context.user_id, "data:export", "export")\n'
            + EVALUATE,
        ),
        12,
        failing(REFUSED, UNKNOWN),
    ),
    "fields removed from the records themselves": (
        REFERENCE.replace(
            "        return " + ROWS,
            "        for record in self.records:\n"
            "            for field in list(record):\n"
            "                if field not in request.fields:\n"
            "                    del record[field]\n"
            "        return list(self.records)",
        ),
        11,
        failing(CALLER_FIRST, READ_AFTER, EMPTY),
    ),
    "a generic error for a blocked export": (
        REFERENCE.replace(RAISE, "            raise PermissionError(report.summary())\n"),
        9,
        failing(NO_CONSENT, GDPR, EVERY),
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
