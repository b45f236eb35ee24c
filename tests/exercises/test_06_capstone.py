"""Exercise 06: other correct releases earn full marks; plausible wrong ones, and thin
or careless tests of the learner's own, lose the right points."""

from __future__ import annotations

from decimal import Decimal

import pytest

from grader.adapters.manifest import reference_answers
from grader.adapters.presentation import coverage_details
from grader.domain.result import GradeResult, Outcome
from tests.exercises.support import app, failed, grade

FEATURE = "data/data_science/application/dataset_release.py"
TESTS = "tests/test_dataset_release.py"


def reference() -> dict[str, str]:
    answers = reference_answers(app().exercises.get("06-capstone"))
    assert answers is not None
    return answers


def with_feature(source: str) -> dict[str, str]:
    """``source`` as the feature, with the reference's own tests."""
    return {FEATURE: source, TESTS: reference()[TESTS]}


METHODS = """
import json

from shared.infrastructure.security import require_permission
from shared.integration.cross_domain_patterns import SagaContext, SagaOrchestrator, SagaStep
from shared.integration.domain_adapters import BaseDomainAdapter, CloudStorageAdapter, DataQualityAdapter
from shared.interfaces.events import DatasetReleased


class AnomalyDetectionAdapter(BaseDomainAdapter):
    domain_name = "anomaly_detection"

    async def detect(self, dataset):
        return await self.call("detector", "detect", dataset)


class DatasetRelease:
    def __init__(self, service_locator, event_bus):
        self.quality = service_locator.get_adapter(DataQualityAdapter)
        self.anomalies = service_locator.get_adapter(AnomalyDetectionAdapter)
        self.store = service_locator.get_adapter(CloudStorageAdapter)
        self.event_bus = event_bus

    @require_permission("datasets:release")
    async def release(self, dataset, context):
        saga = SagaOrchestrator("dataset_release")
        saga.add_step(SagaStep("validate", self._validate))
        saga.add_step(SagaStep("quarantine", self._quarantine, self._unquarantine))
        saga.add_step(SagaStep("publish", self._publish, self._withdraw))
        saga.add_step(SagaStep("announce", self._announce))
        return await saga.execute(SagaContext(dataset=dataset))

    async def _validate(self, ctx):
        report = await self.quality.validate_dataset(ctx.dataset)
        if not report.is_valid:
            raise ValueError(report.summary())

    async def _quarantine(self, ctx):
        held = set((await self.anomalies.detect(ctx.dataset)).anomalous_rows)
        ctx.kept = [r for i, r in enumerate(ctx.dataset.records) if i not in held]
        ctx.held = [r for i, r in enumerate(ctx.dataset.records) if i in held]
        if ctx.held:
            ctx.quarantine_key = f"quarantine/{ctx.dataset.name}.json"
            await self.store.put(ctx.quarantine_key, json.dumps(ctx.held).encode())

    async def _unquarantine(self, ctx):
        if "quarantine_key" in ctx.values():
            await self.store.delete(ctx.quarantine_key)

    async def _publish(self, ctx):
        ctx.release_key = f"releases/{ctx.dataset.name}.json"
        await self.store.put(ctx.release_key, json.dumps(ctx.kept).encode())

    async def _withdraw(self, ctx):
        await self.store.delete(ctx.release_key)

    async def _announce(self, ctx):
        event = DatasetReleased(ctx.dataset.name, ctx.release_key, len(ctx.kept), len(ctx.held))
        await self.event_bus.publish(event)
"""

SUBCLASS = """
import json

from shared.infrastructure.security import require_permission
from shared.integration.cross_domain_patterns import SagaContext, SagaOrchestrator, SagaStep
from shared.integration.domain_adapters import BaseDomainAdapter, CloudStorageAdapter, DataQualityAdapter
from shared.interfaces.events import DatasetReleased


class AnomalyDetectionAdapter(BaseDomainAdapter):
    domain_name = "anomaly_detection"

    async def anomalous_rows(self, dataset):
        result = await self.call("detector", "detect", dataset)
        return set(result.anomalous_rows)


class ReleaseSaga(SagaOrchestrator):
    def __init__(self, locator, bus):
        super().__init__("dataset_release")
        quality = locator.get_adapter(DataQualityAdapter)
        detector = locator.get_adapter(AnomalyDetectionAdapter)
        store = locator.get_adapter(CloudStorageAdapter)

        async def validate(ctx):
            if not (await quality.validate(ctx.dataset)).is_valid:
                raise ValueError("invalid dataset")

        async def screen(ctx):
            rows = await detector.anomalous_rows(ctx.dataset)
            ctx.split = {True: [], False: []}
            for index, record in enumerate(ctx.dataset.records):
                ctx.split[index in rows].append(record)
            if ctx.split[True]:
                await store.put(f"quarantine/{ctx.dataset.name}.json", json.dumps(ctx.split[True]).encode())
                ctx.stored = ["quarantine"]

        async def unscreen(ctx):
            if "stored" in ctx.values():
                await store.delete(f"quarantine/{ctx.dataset.name}.json")

        async def publish(ctx):
            await store.put(f"releases/{ctx.dataset.name}.json", json.dumps(ctx.split[False]).encode())

        async def unpublish(ctx):
            await store.delete(f"releases/{ctx.dataset.name}.json")

        async def announce(ctx):
            name = ctx.dataset.name
            await bus.publish(DatasetReleased(name, f"releases/{name}.json",
                                              len(ctx.split[False]), len(ctx.split[True])))

        self.add_step(SagaStep("validate", validate))
        self.add_step(SagaStep("quarantine", screen, unscreen))
        self.add_step(SagaStep("publish", publish, unpublish))
        self.add_step(SagaStep("announce", announce))


class DatasetRelease:
    def __init__(self, service_locator, event_bus):
        self.locator, self.bus = service_locator, event_bus

    @require_permission("datasets:release")
    async def release(self, dataset, context):
        return await ReleaseSaga(self.locator, self.bus).execute(SagaContext(dataset=dataset))
"""

# Keys kept as the steps' results, pretty JSON, an error class of its own, and the saga
# built once in __init__.
STEP_RESULTS = """
import json

from shared.infrastructure.security import require_permission
from shared.integration.cross_domain_patterns import SagaContext, SagaOrchestrator, SagaStep
from shared.integration.domain_adapters import BaseDomainAdapter, CloudStorageAdapter, DataQualityAdapter
from shared.interfaces.events import DatasetReleased


class InvalidDataset(Exception):
    pass


class AnomalyDetectionAdapter(BaseDomainAdapter):
    domain_name = "anomaly_detection"

    async def detect(self, dataset):
        result = await self.call("detector", "detect", dataset)
        return result


def as_json(rows):
    return json.dumps(rows, indent=2, sort_keys=True).encode("utf-8")


class DatasetRelease:
    def __init__(self, service_locator, event_bus):
        quality = service_locator.get_adapter(DataQualityAdapter)
        detector = service_locator.get_adapter(AnomalyDetectionAdapter)
        store = service_locator.get_adapter(CloudStorageAdapter)

        async def validate(ctx):
            report = await quality.validate(ctx.dataset)
            if report.issues:
                raise InvalidDataset(report.summary())

        async def quarantine(ctx):
            rows = set((await detector.detect(ctx.dataset)).anomalous_rows)
            records = ctx.dataset.records
            ctx.released = [r for i, r in enumerate(records) if i not in rows]
            ctx.held = [r for i, r in enumerate(records) if i in rows]
            if not ctx.held:
                return None
            key = "quarantine/" + ctx.dataset.name + ".json"
            await store.put(key, as_json(ctx.held))
            return key

        async def unquarantine(ctx):
            if ctx.results.get("quarantine") is not None:
                await store.delete(ctx.results["quarantine"])

        async def publish(ctx):
            key = "releases/" + ctx.dataset.name + ".json"
            await store.put(key, as_json(ctx.released))
            return key

        async def withdraw(ctx):
            await store.delete(ctx.results["publish"])

        async def announce(ctx):
            await event_bus.publish(DatasetReleased(
                dataset_name=ctx.dataset.name, key=ctx.results["publish"],
                rows=len(ctx.released), quarantined=len(ctx.held)))

        self.saga = SagaOrchestrator("dataset_release")
        for step in [SagaStep("validate", validate),
                     SagaStep("quarantine", quarantine, compensation=unquarantine),
                     SagaStep("publish", publish, compensation=withdraw),
                     SagaStep("announce", announce)]:
            self.saga.add_step(step)

    @require_permission("datasets:release")
    async def release(self, dataset, context):
        return await self.saga.execute(SagaContext(dataset=dataset))
"""

# The learner's own tests, written another way: synchronous, with asyncio.run.
SYNC_TESTS = """
import asyncio
import json

import pytest

from data.data_science.application.dataset_release import DatasetRelease
from shared.exceptions import PermissionDenied
from shared.infrastructure.security import SecurityContext
from shared.integration.cross_domain_patterns import DomainServiceLocator, SagaStatus
from shared.interfaces import Anomaly, AnomalyResult, DataSet, ValidationReport

ME = SecurityContext("me", permissions=["datasets:*"])
ROWS = DataSet.from_records([{"v": 1}, {"v": 500}], name="r")


class World:
    def __init__(self, broken=None, valid=True, hang=False):
        self.broken, self.valid, self.hang = broken, valid, hang
        self.store, self.heard, self.log = {}, [], []

    async def validate(self, dataset):
        issues = () if self.valid else ("bad",)
        return ValidationReport(dataset.name, issues, len(dataset))

    async def detect(self, dataset):
        if self.hang:
            await asyncio.sleep(5)
        if self.broken == "detect":
            raise OSError("no detector")
        return AnomalyResult(dataset.name, "z", 2.0, (Anomaly(1, "v", 500.0, 9.0),))

    async def put(self, key, data):
        if self.broken == key.split("/")[0]:
            raise OSError("disk full")
        self.store[key] = json.loads(data)

    async def delete(self, key):
        self.log.append(key)
        del self.store[key]

    async def publish(self, event):
        if self.broken == "bus":
            raise OSError("bus down")
        self.heard.append(event.payload)


def run(world, who=ME, timeout=None):
    locator = DomainServiceLocator(adapter_timeout=timeout)
    for domain, name in [("data_quality", "validator"), ("anomaly_detection", "detector"),
                         ("cloud", "object_store")]:
        locator.register_service(domain, name, world, factory=False)
    return asyncio.run(DatasetRelease(locator, world).release(ROWS, who))


def test_release():
    world = World()
    assert run(world).status is SagaStatus.COMPLETED
    assert world.store == {"quarantine/r.json": [{"v": 500}], "releases/r.json": [{"v": 1}]}
    assert world.heard == [{"dataset_name": "r", "key": "releases/r.json", "rows": 1, "quarantined": 1}]


def test_invalid():
    assert run(World(valid=False)).failed_step == "validate"


@pytest.mark.parametrize(("broken", "undone"), [
    ("detect", []), ("releases", ["quarantine/r.json"]),
    ("bus", ["releases/r.json", "quarantine/r.json"]),
])
def test_rollback(broken, undone):
    world = World(broken=broken)
    assert run(world).status is SagaStatus.COMPENSATED
    assert world.log == undone


def test_hanging():
    assert run(World(hang=True), timeout=0.05).failed_step == "quarantine"


def test_refused():
    with pytest.raises(PermissionDenied):
        run(World(), who=SecurityContext("x"))
"""

CORRECT = {
    "steps as methods": with_feature(METHODS),
    "a saga subclass and a richer adapter": with_feature(SUBCLASS),
    "the reference, tested synchronously": {FEATURE: METHODS, TESTS: SYNC_TESTS},
    "keys as the steps' results, pretty JSON, the saga built once": with_feature(STEP_RESULTS),
}


@pytest.mark.parametrize("name", CORRECT)
def test_other_correct_answers_earn_full_marks(name: str) -> None:
    result = grade("06-capstone", CORRECT[name])

    assert result.full_marks, (result.summary, failed(result), _coverage(result))


def _coverage(result: GradeResult) -> str:
    return coverage_details(result.coverage) if result.coverage else "no coverage result"


UNDO_TESTS = {
    "test_a_failed_release_write_removes_the_quarantine": Outcome.FAILED,
    "test_a_failed_announcement_undoes_everything_newest_first": Outcome.FAILED,
    "test_a_failing_undo_is_reported_and_the_other_undo_still_runs": Outcome.FAILED,
}

WRONG_FEATURES = {
    "the quarantine is never undone": (
        METHODS.replace(
            'SagaStep("quarantine", self._quarantine, self._unquarantine)',
            'SagaStep("quarantine", self._quarantine)',
        ),
        Decimal(15),  # 4 points of hidden tests, and the coverage: the learner's tests fail too
        UNDO_TESTS,
    ),
    "the detector is called without an adapter, so without a timeout": (
        METHODS.replace(
            "self.anomalies = service_locator.get_adapter(AnomalyDetectionAdapter)",
            "self.locator = service_locator",
        ).replace(
            "held = set((await self.anomalies.detect(ctx.dataset)).anomalous_rows)",
            'detector = await self.locator.get_service("anomaly_detection", "detector")\n'
            "        held = set((await detector.detect(ctx.dataset)).anomalous_rows)",
        ),
        Decimal(16),  # the hidden timeout and missing-service tests, and the coverage: the
        # learner's own timeout test times out too
        {
            "test_a_detector_that_never_answers_is_cut_off_by_the_adapter_timeout": Outcome.TIMEOUT,
            "test_a_missing_service_fails_the_release_cleanly": Outcome.FAILED,
        },
    ),
    "the announcement goes out before the release is stored": (
        METHODS.replace(
            'saga.add_step(SagaStep("publish", self._publish, self._withdraw))\n'
            '        saga.add_step(SagaStep("announce", self._announce))',
            'saga.add_step(SagaStep("announce", self._announce_early))\n'
            '        saga.add_step(SagaStep("publish", self._publish, self._withdraw))',
        ).replace(
            "    async def _announce(self, ctx):",
            "    async def _announce_early(self, ctx):\n"
            '        ctx.release_key = f"releases/{ctx.dataset.name}.json"\n'
            "        await self._announce(ctx)\n\n"
            "    async def _announce(self, ctx):",
        ),
        Decimal(8),  # the steps run in another order: every test that follows them fails,
        # and the coverage: the learner's tests fail
        {
            name: Outcome.FAILED
            for name in [
                "test_a_release_stores_the_data_holds_back_outliers_and_tells_the_others",
                "test_anomalous_rows_go_to_quarantine_and_the_rest_is_released",
                "test_a_clean_dataset_writes_no_quarantine",
                "test_when_every_row_is_anomalous_an_empty_release_is_published",
                "test_a_failed_release_write_removes_the_quarantine",
                "test_a_failed_announcement_undoes_everything_newest_first",
                "test_a_failing_undo_is_reported_and_the_other_undo_still_runs",
                "test_permissions_are_checked_with_wildcards_and_without_a_caller",
            ]
        },
    ),
}


def _methods(*changes: tuple[str, str]) -> str:
    """METHODS with each (old, new) replaced; every old text must be there."""
    source = METHODS
    for old, new in changes:
        assert old in source, old
        source = source.replace(old, new)
    return source


# Written from the statement alone, the way a learner might get it wrong: each loses points
# on the tests named (at least), whatever the learner's own tests say.
STATEMENT_WRONG = {
    "the data is validated before the permission is checked": (
        _methods(
            ('    @require_permission("datasets:release")\n', ""),
            (
                '        saga = SagaOrchestrator("dataset_release")',
                "        await self.quality.validate_dataset(dataset)  # bad data fails fast\n"
                '        if context is None or not context.has_permission("datasets:release"):\n'
                "            raise NotAuthenticated('who?') if context is None else "
                'PermissionDenied(context.user_id, "datasets:release", "release")\n'
                '        saga = SagaOrchestrator("dataset_release")',
            ),
            (
                "import json\n",
                "import json\n\nfrom shared.exceptions import NotAuthenticated, PermissionDenied\n",
            ),
        ),
        {"test_permissions_are_checked_with_wildcards_and_without_a_caller"},
    ),
    "an empty quarantine is written too": (
        _methods(
            (
                "        if ctx.held:\n"
                '            ctx.quarantine_key = f"quarantine/{ctx.dataset.name}.json"\n'
                "            await self.store.put(",
                '        ctx.quarantine_key = f"quarantine/{ctx.dataset.name}.json"\n'
                "        if True:\n"
                "            await self.store.put(",
            ),
        ),
        {"test_a_clean_dataset_writes_no_quarantine"},
    ),
    "the anomalous rows are released too": (
        _methods(
            (
                "ctx.kept = [r for i, r in enumerate(ctx.dataset.records) if i not in held]",
                "ctx.kept = list(ctx.dataset.records)",
            ),
        ),
        {"test_anomalous_rows_go_to_quarantine_and_the_rest_is_released"},
    ),
    "every anomaly is held back, a row with two anomalies twice": (
        _methods(
            (
                "held = set((await self.anomalies.detect(ctx.dataset)).anomalous_rows)\n"
                "        ctx.kept = [r for i, r in enumerate(ctx.dataset.records) if i not in held]\n"
                "        ctx.held = [r for i, r in enumerate(ctx.dataset.records) if i in held]",
                "found = (await self.anomalies.detect(ctx.dataset)).anomalies\n"
                "        held = {a.row for a in found}\n"
                "        ctx.kept = [r for i, r in enumerate(ctx.dataset.records) if i not in held]\n"
                "        ctx.held = [ctx.dataset.records[a.row] for a in found]",
            ),
        ),
        {"test_anomalous_rows_go_to_quarantine_and_the_rest_is_released"},
    ),
    "the quarantine undo deletes even when nothing was stored": (
        _methods(
            (
                '        if "quarantine_key" in ctx.values():\n'
                "            await self.store.delete(ctx.quarantine_key)",
                '        await self.store.delete(f"quarantine/{ctx.dataset.name}.json")',
            ),
        ),
        {"test_a_failed_release_write_removes_the_quarantine"},
    ),
    "an invalid report does not stop the release": (
        _methods(
            (
                "        if not report.is_valid:\n            raise ValueError(report.summary())",
                "        ctx.report = report  # kept for the announcement",
            ),
        ),
        {
            "test_invalid_data_is_not_released",
            "test_invalid_data_stops_the_release_before_anything_else_is_asked",
        },
    ),
    "the event counts every row, not the released ones": (
        _methods(
            (
                "DatasetReleased(ctx.dataset.name, ctx.release_key, len(ctx.kept), len(ctx.held))",
                "DatasetReleased(ctx.dataset.name, ctx.release_key, len(ctx.dataset), "
                "len(ctx.held))",
            ),
        ),
        {"test_a_release_stores_the_data_holds_back_outliers_and_tells_the_others"},
    ),
    "a failed announcement is only logged, so the release stays": (
        _methods(
            (
                "        await self.event_bus.publish(event)",
                "        try:\n"
                "            await self.event_bus.publish(event)\n"
                "        except Exception as error:  # the data is out: keep it\n"
                "            print('announcement failed:', error)",
            ),
        ),
        {"test_a_failed_announcement_undoes_everything_newest_first"},
    ),
    "a failed release raises the step's error instead of returning the result": (
        _methods(
            (
                "        return await saga.execute(SagaContext(dataset=dataset))",
                "        result = await saga.execute(SagaContext(dataset=dataset))\n"
                "        if result.error is not None:\n"
                "            raise result.error\n"
                "        return result",
            ),
        ),
        {
            "test_invalid_data_is_not_released",
            "test_a_failed_announcement_undoes_everything_newest_first",
        },
    ),
    "the validator is asked without the DataQualityAdapter, so without a timeout": (
        _methods(
            (
                "        report = await self.quality.validate_dataset(ctx.dataset)",
                '        validator = await self.locator.get_service("data_quality", "validator")\n'
                "        report = await validator.validate(ctx.dataset)",
            ),
            (
                "        self.event_bus = event_bus\n",
                "        self.event_bus = event_bus\n        self.locator = service_locator\n",
            ),
        ),
        {"test_a_validator_or_object_store_that_never_answers_is_cut_off_too"},
    ),
    "the objects are written to the store directly, without the CloudStorageAdapter": (
        _methods(
            (
                "        self.store = service_locator.get_adapter(CloudStorageAdapter)",
                "        self.locator = service_locator",
            ),
            (
                "    async def _quarantine(self, ctx):\n",
                "    async def _quarantine(self, ctx):\n"
                '        self.store = await self.locator.get_service("cloud", "object_store")\n',
            ),
        ),
        {
            "test_a_validator_or_object_store_that_never_answers_is_cut_off_too",
            "test_a_missing_service_fails_the_release_cleanly",
        },
    ),
    "the release key is singular": (
        _methods(('f"releases/{ctx.dataset.name}.json"', 'f"release/{ctx.dataset.name}.json"')),
        {"test_anomalous_rows_go_to_quarantine_and_the_rest_is_released"},
    ),
    "the detector is asked before the data is validated": (
        _methods(
            (
                '        saga.add_step(SagaStep("validate", self._validate))\n'
                '        saga.add_step(SagaStep("quarantine", self._quarantine, '
                "self._unquarantine))",
                '        saga.add_step(SagaStep("quarantine", self._quarantine, '
                "self._unquarantine))\n"
                '        saga.add_step(SagaStep("validate", self._validate))',
            ),
        ),
        {"test_invalid_data_stops_the_release_before_anything_else_is_asked"},
    ),
    "the saga is named after the class": (
        _methods(('SagaOrchestrator("dataset_release")', 'SagaOrchestrator("DatasetRelease")')),
        {"test_a_release_stores_the_data_holds_back_outliers_and_tells_the_others"},
    ),
    "the quarantine holds the row numbers, not the records": (
        _methods(("json.dumps(ctx.held)", "json.dumps(sorted(held))")),
        {"test_anomalous_rows_go_to_quarantine_and_the_rest_is_released"},
    ),
    "a failing undo is swallowed, so the release says compensated": (
        _methods(
            (
                "    async def _withdraw(self, ctx):\n"
                "        await self.store.delete(ctx.release_key)",
                "    async def _withdraw(self, ctx):\n"
                "        try:\n"
                "            await self.store.delete(ctx.release_key)\n"
                "        except Exception:\n"
                "            pass  # best effort",
            ),
        ),
        {"test_a_failing_undo_is_reported_and_the_other_undo_still_runs"},
    ),
}


@pytest.mark.parametrize("name", STATEMENT_WRONG)
def test_wrong_answers_written_from_the_statement_lose_points(name: str) -> None:
    source, must_fail = STATEMENT_WRONG[name]

    result = grade("06-capstone", with_feature(source))

    assert not result.full_marks, result.summary
    assert must_fail <= set(failed(result)), (must_fail, failed(result))


@pytest.mark.parametrize("name", WRONG_FEATURES)
def test_wrong_features_lose_the_right_points(name: str) -> None:
    source, score, failures = WRONG_FEATURES[name]

    result = grade("06-capstone", with_feature(source))

    assert failed(result) == failures
    assert result.score == score, result.summary


def test_importing_another_domain_scores_zero_and_says_what_to_do_instead() -> None:
    direct = METHODS.replace(
        "class AnomalyDetectionAdapter(BaseDomainAdapter):",
        "from data.anomaly_detection.application.detection import AnomalyDetectionService\n\n\n"
        "class AnomalyDetectionAdapter(BaseDomainAdapter):",
    )

    result = grade("06-capstone", with_feature(direct))

    assert result.score == 0
    broken = [c for c in result.contracts if not c.kept]
    assert "domains-independent" in {c.id for c in broken}
    assert any("adapter" in v.advice for c in broken for v in c.violations)


def test_tests_of_the_happy_path_only_earn_a_lower_tier() -> None:
    happy = reference()[TESTS].split("async def test_no_outlier_means_no_quarantine")[0]

    result = grade("06-capstone", {**reference(), TESTS: happy})

    assert result.coverage is not None
    assert result.coverage.earned == 2, result.coverage.message
    assert result.score == 21
    assert result.coverage.percent == 92  # the compensations and the refusal never ran
    assert "3 points from 95%" in result.coverage.message
    assert "Never run: data/data_science/application/dataset_release.py lines" in (
        result.coverage.message
    )


def test_a_test_that_asserts_nothing_costs_the_coverage_points() -> None:
    careless = reference()[TESTS] + (
        "\n\nasync def test_it_runs():\n    await Fakes(fail='publish').release()\n"
    )

    result = grade("06-capstone", {**reference(), TESTS: careless})

    assert result.coverage is not None
    assert result.coverage.earned == 0
    assert result.coverage.message.startswith("test_it_runs asserts nothing")
    assert result.score == 19


def test_a_failing_test_of_the_learners_says_which_and_why() -> None:
    wrong_expectation = reference()[TESTS].replace(
        'assert fakes.deleted == ["quarantine/sample.json"]',
        'assert fakes.deleted == ["releases/sample.json"]',
    )

    result = grade("06-capstone", {**reference(), TESTS: wrong_expectation})

    assert result.coverage is not None
    assert result.coverage.earned == 0
    details = coverage_details(result.coverage)
    assert "1 of your 8 tests did not pass" in details
    assert "A failed release write removes the quarantine: failed:" in details
