"""The compliance registry, its reports, the ``enforce`` gate, and the GDPR example."""

import asyncio
import inspect
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.exceptions import ComplianceViolation, DuplicateRequirement, IntegrationError
from shared.infrastructure.compliance import (
    CheckResult,
    ComplianceFramework,
    ComplianceReport,
    Requirement,
    Status,
)
from shared.infrastructure.gdpr import (
    ProcessingRequest,
    data_minimisation,
    gdpr_validator,
    lawful_basis,
    register_gdpr,
    storage_limitation,
)


def has_owner(payload: dict[str, Any]) -> bool:
    """The payload names an owner."""
    return "owner" in payload


def is_small(payload: dict[str, Any]) -> bool:
    return payload.get("size", 0) < 10


def needs_review(payload: Any) -> CheckResult:
    return CheckResult.manual("a person must sign off")


def explains_failure(payload: Any) -> CheckResult:
    return CheckResult.failed("the owner is not on the allow list")


def explains_pass(payload: Any) -> CheckResult:
    return CheckResult.passed("owner checked")


def explodes(payload: Any) -> bool:
    raise ValueError("boom")


def forgets_to_return(payload: Any) -> None:
    pass


async def async_has_owner(payload: dict[str, Any]) -> bool:
    await asyncio.sleep(0)
    return "owner" in payload


async def async_explains(payload: Any) -> CheckResult:
    await asyncio.sleep(0)
    return CheckResult.failed("async says no")


async def async_explodes(payload: Any) -> bool:
    await asyncio.sleep(0)
    raise KeyError("missing")


@pytest.fixture
def compliance() -> ComplianceFramework:
    return ComplianceFramework()


def statuses(report: ComplianceReport) -> list[tuple[str, Status, str]]:
    return [(r.requirement.key, r.status, r.message) for r in report.results]


# --- register_requirement ----------------------------------------------------------


def test_register_requirement_defaults_the_id_and_description(
    compliance: ComplianceFramework,
) -> None:
    requirement = compliance.register_requirement("SOX", "export", has_owner)

    assert requirement == Requirement(
        "SOX", "export", "has_owner", has_owner, "The payload names an owner."
    )
    assert requirement.key == "SOX/export/has_owner"
    assert compliance.requirements() == [requirement]


def test_register_requirement_with_an_explicit_id_and_description(
    compliance: ComplianceFramework,
) -> None:
    requirement = compliance.register_requirement(
        "SOX", "export", lambda p: True, requirement_id="always", description="Always passes."
    )

    assert requirement.key == "SOX/export/always"
    assert requirement.requirement_id == "always"
    assert requirement.description == "Always passes."


def test_registering_the_same_requirement_twice_is_refused(
    compliance: ComplianceFramework,
) -> None:
    compliance.register_requirement("SOX", "export", has_owner)

    with pytest.raises(DuplicateRequirement) as caught:
        compliance.register_requirement("SOX", "export", has_owner)

    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, IntegrationError)
    assert str(caught.value) == "requirement SOX/export/has_owner is already registered"
    assert len(compliance.requirements()) == 1


def test_a_duplicate_is_found_by_id_not_by_validator(compliance: ComplianceFramework) -> None:
    compliance.register_requirement("SOX", "export", has_owner, requirement_id="owner")

    with pytest.raises(DuplicateRequirement, match=r"^requirement SOX/export/owner is already"):
        compliance.register_requirement("SOX", "export", is_small, requirement_id="owner")


def test_two_validators_for_one_operation_are_fine(compliance: ComplianceFramework) -> None:
    first = compliance.register_requirement("SOX", "export", has_owner)
    second = compliance.register_requirement("SOX", "export", is_small)
    other = compliance.register_requirement("SOX", "import", has_owner)
    framework = compliance.register_requirement("HIPAA", "export", has_owner)

    assert compliance.requirements("export") == [first, second, framework]
    assert compliance.requirements("import") == [other]
    assert compliance.requirements() == [first, second, other, framework]


def test_a_validator_must_be_callable(compliance: ComplianceFramework) -> None:
    with pytest.raises(TypeError, match=r"^the validator for SOX/export must be callable$"):
        compliance.register_requirement("SOX", "export", "not a function")  # type: ignore[arg-type]


# --- evaluate ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("validator", "status", "message"),
    [
        (has_owner, Status.PASS, ""),
        (explains_pass, Status.PASS, "owner checked"),
        (explains_failure, Status.FAIL, "the owner is not on the allow list"),
        (needs_review, Status.MANUAL, "a person must sign off"),
        (explodes, Status.ERROR, "validator raised ValueError: boom"),
        (
            forgets_to_return,
            Status.ERROR,
            "validator returned None; it must return True, False or a CheckResult",
        ),
        (async_has_owner, Status.PASS, ""),
        (async_explains, Status.FAIL, "async says no"),
        (async_explodes, Status.ERROR, "validator raised KeyError: 'missing'"),
    ],
)
async def test_evaluate_one_validator(
    compliance: ComplianceFramework, validator: Any, status: Status, message: str
) -> None:
    compliance.register_requirement("SOX", "export", validator)

    report = await compliance.evaluate("export", {"owner": "alice"})

    assert report.operation == "export"
    assert statuses(report) == [(f"SOX/export/{validator.__name__}", status, message)]
    assert report.compliant is (status is Status.PASS)


async def test_false_is_a_fail_without_message(compliance: ComplianceFramework) -> None:
    compliance.register_requirement("SOX", "export", has_owner)

    report = await compliance.evaluate("export", {})

    assert statuses(report) == [("SOX/export/has_owner", Status.FAIL, "")]
    assert not report.compliant


@pytest.mark.parametrize("verdict", [1, 0, "yes", [], Status.PASS])
async def test_anything_but_a_bool_or_check_result_is_an_error(
    compliance: ComplianceFramework, verdict: object
) -> None:
    compliance.register_requirement("SOX", "export", lambda p: verdict, requirement_id="odd")

    report = await compliance.evaluate("export", {})

    assert statuses(report) == [
        (
            "SOX/export/odd",
            Status.ERROR,
            f"validator returned {verdict!r}; it must return True, False or a CheckResult",
        )
    ]
    assert not report.compliant


async def test_validators_get_the_payload(compliance: ComplianceFramework) -> None:
    seen: list[object] = []
    payload = {"owner": "alice"}
    compliance.register_requirement(
        "SOX", "export", lambda p: seen.append(p) is None, requirement_id="x"
    )

    await compliance.evaluate("export", payload)

    assert seen == [payload]
    assert seen[0] is payload


@pytest.mark.parametrize(
    ("validators", "compliant"),
    [
        ([has_owner, explains_pass], True),
        ([has_owner, explains_failure], False),
        ([has_owner, needs_review], False),
        ([has_owner, explodes], False),
        ([needs_review], False),
        ([forgets_to_return], False),
    ],
)
async def test_compliant_only_when_every_requirement_passed(
    compliance: ComplianceFramework, validators: list[Any], compliant: bool
) -> None:
    for validator in validators:
        compliance.register_requirement("SOX", "export", validator)

    report = await compliance.evaluate("export", {"owner": "alice"})

    assert len(report.results) == len(validators)
    assert report.compliant is compliant
    assert [r.status for r in report.blocking] == [
        r.status for r in report.results if r.status is not Status.PASS
    ]


async def test_an_operation_without_requirements_is_compliant_and_says_so(
    compliance: ComplianceFramework,
) -> None:
    compliance.register_requirement("SOX", "export", explains_failure)

    report = await compliance.evaluate("import", {"anything": 1})

    assert report.results == ()
    assert report.compliant
    assert report.blocking == ()
    assert report.summary() == "import: no requirement registered, nothing checked"


async def test_the_summary_lists_every_result(compliance: ComplianceFramework) -> None:
    for validator in (has_owner, explains_failure, needs_review, explodes):
        compliance.register_requirement("SOX", "export", validator)

    report = await compliance.evaluate("export", {"owner": "alice"})

    assert report.summary() == "\n".join(
        [
            "export: NOT compliant",
            "PASS   SOX/export/has_owner",
            "FAIL   SOX/export/explains_failure: the owner is not on the allow list",
            "MANUAL SOX/export/needs_review: a person must sign off",
            "ERROR  SOX/export/explodes: validator raised ValueError: boom",
        ]
    )
    assert [r.requirement.requirement_id for r in report.blocking] == [
        "explains_failure",
        "needs_review",
        "explodes",
    ]


async def test_a_compliant_summary(compliance: ComplianceFramework) -> None:
    compliance.register_requirement("SOX", "export", has_owner)
    compliance.register_requirement("SOX", "export", explains_pass)

    report = await compliance.evaluate("export", {"owner": "alice"})

    assert report.summary() == (
        "export: compliant\n"
        "PASS   SOX/export/has_owner\n"
        "PASS   SOX/export/explains_pass: owner checked"
    )


# --- enforce -----------------------------------------------------------------------


class Exporter:
    def __init__(self, compliance: ComplianceFramework) -> None:
        self.exported: list[dict[str, Any]] = []

        @compliance.enforce("export")
        async def export(request: dict[str, Any], destination: str = "s3") -> str:
            self.exported.append(request)
            return f"exported to {destination}"

        self.export = export


class Service:
    """Method form: the first argument after ``self`` is the payload."""

    compliance = ComplianceFramework()
    compliance.register_requirement("SOX", "export", has_owner)

    def __init__(self) -> None:
        self.ran: list[str] = []

    @compliance.enforce("export")
    async def export(self, request: dict[str, Any], destination: str = "s3") -> str:
        self.ran.append(destination)
        return f"exported {request['owner']} to {destination}"

    @compliance.enforce("export", payload="request")
    async def export_named(self, destination: str, request: dict[str, Any]) -> str:
        self.ran.append(destination)
        return f"named export to {destination}"


async def test_enforce_allows_a_compliant_call() -> None:
    service = Service()

    assert await service.export({"owner": "alice"}) == "exported alice to s3"
    assert (
        await service.export(request={"owner": "bob"}, destination="gcs") == "exported bob to gcs"
    )
    assert service.ran == ["s3", "gcs"]


async def test_enforce_blocks_a_non_compliant_call_before_the_body_runs() -> None:
    service = Service()

    with pytest.raises(ComplianceViolation) as caught:
        await service.export({"size": 3})

    error = caught.value
    assert isinstance(error, IntegrationError)
    assert service.ran == []
    report = error.report
    assert isinstance(report, ComplianceReport)
    assert not report.compliant
    assert statuses(report) == [("SOX/export/has_owner", Status.FAIL, "")]
    assert str(error) == report.summary() == "export: NOT compliant\nFAIL   SOX/export/has_owner"


async def test_enforce_checks_the_argument_named_by_payload() -> None:
    service = Service()

    assert await service.export_named("gcs", {"owner": "alice"}) == "named export to gcs"
    with pytest.raises(ComplianceViolation):
        # The first argument would pass; the one named by payload= is checked, and fails.
        await service.export_named({"owner": "x"}, request={})  # type: ignore[arg-type]
    assert service.ran == ["gcs"]


async def test_enforce_on_a_plain_function_checks_its_first_argument(
    compliance: ComplianceFramework,
) -> None:
    seen: list[object] = []
    compliance.register_requirement(
        "SOX", "export", lambda p: seen.append(p) is None and "owner" in p, requirement_id="x"
    )
    exporter = Exporter(compliance)

    assert await exporter.export({"owner": "a"}, "gcs") == "exported to gcs"
    with pytest.raises(ComplianceViolation):
        await exporter.export({}, destination="gcs")

    assert seen == [{"owner": "a"}, {}]
    assert exporter.exported == [{"owner": "a"}]


async def test_enforce_with_no_requirement_lets_everything_through(
    compliance: ComplianceFramework,
) -> None:
    exporter = Exporter(compliance)

    assert await exporter.export({}) == "exported to s3"


async def test_enforce_evaluates_at_call_time(compliance: ComplianceFramework) -> None:
    exporter = Exporter(compliance)
    assert await exporter.export({}) == "exported to s3"

    compliance.register_requirement("SOX", "export", has_owner)

    with pytest.raises(ComplianceViolation):
        await exporter.export({})


def test_enforce_keeps_the_function_identity(compliance: ComplianceFramework) -> None:
    async def export(request: dict[str, Any]) -> None:
        """Export a request."""

    guarded = compliance.enforce("export")(export)

    assert guarded.__name__ == "export"
    assert guarded.__doc__ == "Export a request."
    assert inspect.iscoroutinefunction(guarded)
    assert inspect.signature(guarded) == inspect.signature(export)


def test_enforce_refuses_a_sync_function(compliance: ComplianceFramework) -> None:
    def export(request: object) -> None:
        pass

    with pytest.raises(TypeError, match=r"^enforce\(\) guards async functions; export is not$"):
        compliance.enforce("export")(export)  # type: ignore[arg-type]


def test_enforce_refuses_an_unknown_argument_name(compliance: ComplianceFramework) -> None:
    async def export(request: object) -> None:
        pass

    with pytest.raises(TypeError, match=r"^export has no argument 'payload' to check$"):
        compliance.enforce("export", payload="payload")(export)


def test_enforce_refuses_a_function_without_arguments(compliance: ComplianceFramework) -> None:
    class Job:
        async def run(self) -> None:
            pass

    with pytest.raises(TypeError, match=r"^run has no argument None to check$"):
        compliance.enforce("export")(Job.run)


async def test_enforce_checks_a_payload_left_to_its_default(
    compliance: ComplianceFramework,
) -> None:
    compliance.register_requirement("SOX", "export", has_owner)

    @compliance.enforce("export")
    async def export(request: dict[str, Any] = {"owner": "default"}) -> str:  # noqa: B006
        return "exported"

    assert await export() == "exported"


# --- the GDPR example ----------------------------------------------------------------


def request(**changes: Any) -> ProcessingRequest:
    values: dict[str, Any] = {
        "purpose": "analytics",
        "lawful_basis": "contract",
        "fields": frozenset({"customer_id", "region"}),
    }
    values.update(changes)
    return ProcessingRequest(**values)


def days_ago(days: int) -> datetime:
    return datetime.now(UTC) - timedelta(days=days, minutes=1)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, CheckResult(Status.PASS, "basis: contract")),
        ({"lawful_basis": "consent", "consent_given": True}, CheckResult.passed("basis: consent")),
        (
            {"lawful_basis": "consent"},
            CheckResult.failed("the basis is consent, but consent was not given"),
        ),
        (
            {"lawful_basis": "legitimate_interests"},
            CheckResult.manual("legitimate interests need a documented balancing test"),
        ),
        ({"lawful_basis": "whim"}, CheckResult.failed("'whim' is not a lawful basis")),
        ({"lawful_basis": ""}, CheckResult.failed("'' is not a lawful basis")),
    ],
)
def test_lawful_basis(changes: dict[str, Any], expected: CheckResult) -> None:
    assert lawful_basis(request(**changes)) == expected


def test_data_minimisation_passes_allowed_fields() -> None:
    assert data_minimisation(request()) == CheckResult.passed()
    assert data_minimisation(
        request(purpose="model_training", fields=frozenset({"age", "income", "churned"}))
    ) == CheckResult(Status.PASS, "")


def test_data_minimisation_names_the_extra_fields() -> None:
    verdict = data_minimisation(
        request(fields=frozenset({"customer_id", "name", "email", "region"}))
    )

    assert verdict == CheckResult.failed("not needed for analytics: email, name")


def test_data_minimisation_needs_a_known_purpose() -> None:
    verdict = data_minimisation(request(purpose="marketing"))

    assert verdict == CheckResult.failed("purpose 'marketing' has no list of allowed fields")


def test_data_minimisation_with_custom_allowed_fields() -> None:
    allowed = {"marketing": frozenset({"email"})}

    assert data_minimisation(
        request(purpose="marketing", fields=frozenset({"email"})), allowed
    ) == (CheckResult.passed())
    assert data_minimisation(request(), allowed) == CheckResult.failed(
        "purpose 'analytics' has no list of allowed fields"
    )


def test_storage_limitation() -> None:
    assert storage_limitation(request()) == CheckResult.passed()
    assert storage_limitation(request(oldest_record=days_ago(364))) == CheckResult.passed()
    assert storage_limitation(request(oldest_record=days_ago(400))) == CheckResult.failed(
        "oldest record is 400 days old; limit 365"
    )
    assert storage_limitation(
        request(oldest_record=days_ago(40)), timedelta(days=30)
    ) == CheckResult.failed("oldest record is 40 days old; limit 30")


def test_gdpr_validator_passes_a_clean_request() -> None:
    assert gdpr_validator(request()) == CheckResult.passed("lawful, minimal, within retention")


def test_gdpr_validator_reports_the_first_check_that_does_not_pass() -> None:
    everything_wrong = request(
        lawful_basis="whim", fields=frozenset({"email"}), oldest_record=days_ago(400)
    )
    two_wrong = request(fields=frozenset({"email"}), oldest_record=days_ago(400))
    one_wrong = request(oldest_record=days_ago(400))

    assert gdpr_validator(everything_wrong) == CheckResult.failed("'whim' is not a lawful basis")
    assert gdpr_validator(two_wrong) == CheckResult.failed("not needed for analytics: email")
    assert gdpr_validator(one_wrong) == CheckResult.failed(
        "oldest record is 400 days old; limit 365"
    )
    assert gdpr_validator(request(lawful_basis="legitimate_interests")).status is Status.MANUAL


async def test_gdpr_validator_through_the_framework(compliance: ComplianceFramework) -> None:
    compliance.register_requirement("GDPR", "train", gdpr_validator)

    good = await compliance.evaluate("train", request())
    bad = await compliance.evaluate("train", request(lawful_basis="consent"))

    assert statuses(good) == [
        ("GDPR/train/gdpr_validator", Status.PASS, "lawful, minimal, within retention")
    ]
    assert good.compliant
    assert statuses(bad) == [
        (
            "GDPR/train/gdpr_validator",
            Status.FAIL,
            "the basis is consent, but consent was not given",
        )
    ]
    assert not bad.compliant


async def test_register_gdpr_registers_three_requirements(
    compliance: ComplianceFramework,
) -> None:
    register_gdpr(compliance, "analyse")

    assert [r.key for r in compliance.requirements("analyse")] == [
        "GDPR/analyse/lawful_basis",
        "GDPR/analyse/data_minimisation",
        "GDPR/analyse/storage_limitation",
    ]
    assert [r.description for r in compliance.requirements("analyse")] == [
        "A lawful basis is named, and consent, when it is the basis, was given.",
        "Only the fields needed for the purpose are processed.",
        "No record is kept longer than the retention period.",
    ]
    with pytest.raises(DuplicateRequirement, match=r"^requirement GDPR/analyse/lawful_basis "):
        register_gdpr(compliance, "analyse")


async def test_register_gdpr_end_to_end(compliance: ComplianceFramework) -> None:
    register_gdpr(compliance, "analyse")

    good = await compliance.evaluate("analyse", request())
    bad = await compliance.evaluate(
        "analyse",
        request(
            lawful_basis="legitimate_interests",
            fields=frozenset({"customer_id", "email"}),
            oldest_record=days_ago(500),
        ),
    )

    assert good.compliant
    assert statuses(good) == [
        ("GDPR/analyse/lawful_basis", Status.PASS, "basis: contract"),
        ("GDPR/analyse/data_minimisation", Status.PASS, ""),
        ("GDPR/analyse/storage_limitation", Status.PASS, ""),
    ]
    assert not bad.compliant
    assert bad.summary() == "\n".join(
        [
            "analyse: NOT compliant",
            "MANUAL GDPR/analyse/lawful_basis: legitimate interests need a documented "
            "balancing test",
            "FAIL   GDPR/analyse/data_minimisation: not needed for analytics: email",
            "FAIL   GDPR/analyse/storage_limitation: oldest record is 500 days old; limit 365",
        ]
    )


async def test_register_gdpr_with_custom_fields_and_retention(
    compliance: ComplianceFramework,
) -> None:
    register_gdpr(
        compliance,
        "mail",
        allowed={"marketing": frozenset({"email"})},
        retention=timedelta(days=30),
    )
    ok = request(purpose="marketing", fields=frozenset({"email"}), oldest_record=days_ago(10))
    stale = request(purpose="marketing", fields=frozenset({"email"}), oldest_record=days_ago(45))

    assert (await compliance.evaluate("mail", ok)).compliant
    report = await compliance.evaluate("mail", stale)
    assert [r.status for r in report.results] == [Status.PASS, Status.PASS, Status.FAIL]
    assert report.results[2].message == "oldest record is 45 days old; limit 30"


async def test_a_gdpr_check_that_crashes_is_an_error_not_a_pass(
    compliance: ComplianceFramework,
) -> None:
    register_gdpr(compliance, "analyse")

    naive = request(oldest_record=datetime.now() - timedelta(days=1))
    report = await compliance.evaluate("analyse", naive)

    assert not report.compliant
    assert statuses(report)[2] == (
        "GDPR/analyse/storage_limitation",
        Status.ERROR,
        "validator raised TypeError: can't subtract offset-naive and offset-aware datetimes",
    )


async def test_gdpr_through_enforce(compliance: ComplianceFramework) -> None:
    register_gdpr(compliance, "analyse")
    processed: list[ProcessingRequest] = []

    @compliance.enforce("analyse")
    async def analyse(processing: ProcessingRequest) -> int:
        processed.append(processing)
        return len(processed)

    assert await analyse(request()) == 1
    with pytest.raises(ComplianceViolation) as caught:
        await analyse(request(lawful_basis="consent"))

    assert [p.lawful_basis for p in processed] == ["contract"]
    report = caught.value.report
    assert isinstance(report, ComplianceReport)
    assert [r.requirement.requirement_id for r in report.blocking] == ["lawful_basis"]
