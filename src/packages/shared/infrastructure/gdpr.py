"""A worked GDPR example: three requirements for any operation on personal data.

* Lawfulness (Art. 6): a lawful basis is named; "consent" needs consent actually given;
  "legitimate_interests" needs a documented balancing test, so it is MANUAL.
* Data minimisation (Art. 5(1)(c)): only the fields allowed for the stated purpose.
* Storage limitation (Art. 5(1)(e)): no record older than the retention period.

``gdpr_validator`` combines the three with defaults, for a one-line registration;
:func:`register_gdpr` registers them as three requirements, which reads better in a
report because each one passes or fails on its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from shared.infrastructure.compliance import CheckResult, ComplianceFramework, Status

LAWFUL_BASES = frozenset(
    {
        "consent",
        "contract",
        "legal_obligation",
        "vital_interests",
        "public_task",
        "legitimate_interests",
    }
)
DEFAULT_ALLOWED_FIELDS: Mapping[str, frozenset[str]] = {
    "analytics": frozenset({"customer_id", "age_band", "region", "purchases"}),
    "model_training": frozenset({"customer_id", "age", "income", "purchases", "churned"}),
}
DEFAULT_RETENTION = timedelta(days=365)


@dataclass(frozen=True)
class ProcessingRequest:
    """What an operation on personal data declares about itself."""

    purpose: str
    lawful_basis: str
    fields: frozenset[str]
    consent_given: bool = False
    oldest_record: datetime = field(default_factory=lambda: datetime.now(UTC))


def lawful_basis(request: ProcessingRequest) -> CheckResult:
    """A lawful basis is named, and consent, when it is the basis, was given."""
    if request.lawful_basis not in LAWFUL_BASES:
        return CheckResult.failed(f"{request.lawful_basis!r} is not a lawful basis")
    if request.lawful_basis == "consent" and not request.consent_given:
        return CheckResult.failed("the basis is consent, but consent was not given")
    if request.lawful_basis == "legitimate_interests":
        return CheckResult.manual("legitimate interests need a documented balancing test")
    return CheckResult.passed(f"basis: {request.lawful_basis}")


def data_minimisation(
    request: ProcessingRequest, allowed: Mapping[str, frozenset[str]] = DEFAULT_ALLOWED_FIELDS
) -> CheckResult:
    """Only the fields needed for the purpose are processed."""
    if request.purpose not in allowed:
        return CheckResult.failed(f"purpose {request.purpose!r} has no list of allowed fields")
    extra = sorted(request.fields - allowed[request.purpose])
    if extra:
        return CheckResult.failed(f"not needed for {request.purpose}: {', '.join(extra)}")
    return CheckResult.passed()


def storage_limitation(
    request: ProcessingRequest, retention: timedelta = DEFAULT_RETENTION
) -> CheckResult:
    """No record is kept longer than the retention period."""
    age = datetime.now(UTC) - request.oldest_record
    if age > retention:
        return CheckResult.failed(f"oldest record is {age.days} days old; limit {retention.days}")
    return CheckResult.passed()


def gdpr_validator(request: ProcessingRequest) -> CheckResult:
    """All three GDPR checks with their defaults; the first that does not pass decides."""
    for check in (lawful_basis, data_minimisation, storage_limitation):
        verdict = check(request)
        if verdict.status is not Status.PASS:
            return verdict
    return CheckResult.passed("lawful, minimal, within retention")


def register_gdpr(
    compliance: ComplianceFramework,
    operation: str,
    *,
    allowed: Mapping[str, frozenset[str]] = DEFAULT_ALLOWED_FIELDS,
    retention: timedelta = DEFAULT_RETENTION,
) -> None:
    """Register the three GDPR requirements for ``operation``."""
    compliance.register_requirement("GDPR", operation, lawful_basis)
    compliance.register_requirement(
        "GDPR",
        operation,
        lambda r: data_minimisation(r, allowed),
        requirement_id="data_minimisation",
        description=data_minimisation.__doc__ or "",
    )
    compliance.register_requirement(
        "GDPR",
        operation,
        lambda r: storage_limitation(r, retention),
        requirement_id="storage_limitation",
        description=storage_limitation.__doc__ or "",
    )
