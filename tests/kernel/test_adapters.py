"""Domain adapters: one call path with timeout, logging and error translation."""

import asyncio
import logging
import re
from collections.abc import Sequence
from typing import Any

import pytest

from shared.exceptions import AdapterError, AdapterTimeout, IntegrationError
from shared.integration.domain_adapters import (
    DEFAULT_CALL_TIMEOUT,
    BaseDomainAdapter,
    CloudStorageAdapter,
    DataQualityAdapter,
    DataScienceAdapter,
    MLAdapter,
    MLOpsAdapter,
)
from shared.integration.locator import DomainServiceLocator
from shared.interfaces.datasets import CleaningReport, DataSet, ValidationReport
from shared.interfaces.models import Deployment, DeploymentStatus, TrainedModel

LOGGER = "shared.integration.adapters"
LOG_LINE = re.compile(
    r"cross-domain call domain=(?P<domain>\S+) service=(?P<service>\S+) "
    r"operation=(?P<operation>\S+) outcome=(?P<outcome>.+) duration_ms=(?P<ms>\d+\.\d)$"
)


class InventoryAdapter(BaseDomainAdapter):
    domain_name = "inventory"


class Inventory:
    """A small fake service with sync, async, slow and failing operations."""

    not_callable = "just a value"

    def count(self, item: str) -> int:
        return {"apple": 3}.get(item, 0)

    async def reserve(self, item: str, quantity: int) -> str:
        await asyncio.sleep(0)
        return f"reserved {quantity} {item}"

    async def slow(self) -> str:
        await asyncio.sleep(1)
        return "too late"

    async def broken(self) -> None:
        raise KeyError("sku-42")

    def broken_sync(self) -> None:
        raise ValueError("bad quantity")


@pytest.fixture
def locator() -> DomainServiceLocator:
    locator = DomainServiceLocator()
    locator.register_service("inventory", "stock", Inventory())
    return locator


@pytest.fixture
def adapter(locator: DomainServiceLocator) -> InventoryAdapter:
    return InventoryAdapter(locator)


def adapter_logs(caplog: pytest.LogCaptureFixture) -> list[dict[str, str]]:
    lines = []
    for record in caplog.records:
        if record.name == LOGGER:
            match = LOG_LINE.match(record.getMessage())
            assert match, record.getMessage()
            assert record.levelno == logging.INFO
            lines.append(match.groupdict())
    return lines


# --- BaseDomainAdapter.call ----------------------------------------------------------


async def test_call_returns_the_result_of_a_sync_operation(adapter: InventoryAdapter) -> None:
    assert await adapter.call("stock", "count", "apple") == 3


async def test_call_awaits_an_async_operation(adapter: InventoryAdapter) -> None:
    assert await adapter.call("stock", "reserve", "apple", 2) == "reserved 2 apple"


async def test_a_missing_service_is_an_adapter_error_naming_the_call(
    adapter: InventoryAdapter, locator: DomainServiceLocator
) -> None:
    locator.register_service("billing", "invoices", object())

    with pytest.raises(AdapterError) as caught:
        await adapter.call("stok", "count", "apple")

    error = caught.value
    assert not isinstance(error, AdapterTimeout)
    assert isinstance(error, IntegrationError)
    assert (error.domain, error.service, error.operation) == ("inventory", "stok", "count")
    assert str(error) == (
        "inventory.stok.count failed: no service 'stok' is registered for domain "
        "'inventory'; registered: billing/invoices, inventory/stock"
    )
    assert isinstance(error.__cause__, LookupError)


async def test_a_raising_service_is_wrapped_with_the_original_as_cause(
    adapter: InventoryAdapter,
) -> None:
    with pytest.raises(AdapterError) as caught:
        await adapter.call("stock", "broken")

    error = caught.value
    assert str(error) == "inventory.stock.broken failed: KeyError: 'sku-42'"
    assert error.reason == "KeyError: 'sku-42'"
    assert type(error.__cause__) is KeyError
    assert error.__cause__.args == ("sku-42",)


async def test_a_raising_sync_service_is_wrapped_too(adapter: InventoryAdapter) -> None:
    with pytest.raises(AdapterError) as caught:
        await adapter.call("stock", "broken_sync")

    assert str(caught.value) == "inventory.stock.broken_sync failed: ValueError: bad quantity"
    assert type(caught.value.__cause__) is ValueError


async def test_an_async_call_past_the_timeout_is_an_adapter_timeout(
    adapter: InventoryAdapter,
) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()

    with pytest.raises(AdapterTimeout) as caught:
        await adapter.call("stock", "slow", timeout=0.05)

    elapsed = loop.time() - started
    error = caught.value
    assert isinstance(error, TimeoutError)
    assert isinstance(error, AdapterError)
    assert str(error) == "inventory.stock.slow failed: no answer within 0.05 s"
    assert isinstance(error.__cause__, TimeoutError)
    assert 0.04 <= elapsed < 0.5


async def test_the_adapter_timeout_is_the_default_for_every_call(
    locator: DomainServiceLocator,
) -> None:
    assert InventoryAdapter(locator).timeout == DEFAULT_CALL_TIMEOUT == 10.0
    quick = InventoryAdapter(locator, timeout=0.05)
    assert quick.timeout == 0.05

    with pytest.raises(
        AdapterTimeout, match=r"^inventory\.stock\.slow failed: no answer within 0\.05 s$"
    ):
        await quick.call("stock", "slow")


@pytest.mark.parametrize("operation", ["no_such_operation", "not_callable"])
async def test_an_unknown_operation_is_an_adapter_error(
    adapter: InventoryAdapter, operation: str
) -> None:
    with pytest.raises(AdapterError) as caught:
        await adapter.call("stock", operation)

    assert str(caught.value) == (
        f"inventory.stock.{operation} failed: the service has no operation {operation!r}"
    )
    assert caught.value.operation == operation


# --- logging ---------------------------------------------------------------------


async def test_a_successful_call_is_logged_once(
    adapter: InventoryAdapter, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)

    await adapter.call("stock", "count", "apple")

    [line] = adapter_logs(caplog)
    assert line["domain"] == "inventory"
    assert line["service"] == "stock"
    assert line["operation"] == "count"
    assert line["outcome"] == "ok"
    assert float(line["ms"]) >= 0.0


@pytest.mark.parametrize(
    ("service", "operation", "outcome"),
    [
        ("stock", "broken", "error"),
        ("stock", "no_such_operation", "error"),
        ("missing", "count", "not found"),
        ("stock", "slow", "timeout"),
    ],
)
async def test_a_failed_call_is_logged_once_with_its_outcome(
    adapter: InventoryAdapter,
    caplog: pytest.LogCaptureFixture,
    service: str,
    operation: str,
    outcome: str,
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)

    with pytest.raises(AdapterError):
        await adapter.call(service, operation, timeout=0.05)

    [line] = adapter_logs(caplog)
    assert line.pop("ms")
    assert line == {
        "domain": "inventory",
        "service": service,
        "operation": operation,
        "outcome": outcome,
    }


async def test_the_logged_duration_covers_the_wait(
    adapter: InventoryAdapter, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)

    with pytest.raises(AdapterTimeout):
        await adapter.call("stock", "slow", timeout=0.05)

    [line] = adapter_logs(caplog)
    assert 40.0 <= float(line["ms"]) < 500.0


async def test_a_cancelled_call_is_not_logged_as_ok(
    adapter: InventoryAdapter, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    task = asyncio.create_task(adapter.call("stock", "slow"))
    await asyncio.sleep(0.01)
    task.cancel()

    with pytest.raises(asyncio.CancelledError):
        await task

    [line] = adapter_logs(caplog)
    assert line["operation"] == "slow"
    assert line["outcome"] != "ok"


async def test_a_timeout_raised_by_the_service_is_not_reported_as_no_answer(
    adapter: InventoryAdapter, locator: DomainServiceLocator
) -> None:
    class Gateway:
        def fetch(self) -> None:
            raise TimeoutError("upstream socket timed out")

    locator.register_service("inventory", "gateway", Gateway())

    with pytest.raises(AdapterError) as caught:
        await adapter.call("gateway", "fetch")

    # The service answered at once with its own error; the reason should say so.
    assert "upstream socket timed out" in str(caught.value)


# --- subclasses --------------------------------------------------------------------


def test_a_subclass_without_domain_name_cannot_be_built() -> None:
    class Nameless(BaseDomainAdapter):
        pass

    with pytest.raises(TypeError, match=r"^Nameless must set the class attribute domain_name$"):
        Nameless(DomainServiceLocator())


def test_an_empty_domain_name_is_refused_too() -> None:
    class Blank(BaseDomainAdapter):
        domain_name = ""

    with pytest.raises(TypeError, match=r"^Blank must set the class attribute domain_name$"):
        Blank(DomainServiceLocator())


# --- the concrete adapters ---------------------------------------------------------

DATASET = DataSet.from_records([{"x": 1, "y": 0}, {"x": 2, "y": 1}], name="sales")
MODEL = TrainedModel("m-1", 3, "y", ("x",), {"accuracy": 0.9})


class Recorder:
    """Base of the fakes: remembers every (operation, args) it receives."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def record(self, operation: str, *args: Any) -> None:
        self.calls.append((operation, args))


class FakeValidator(Recorder):
    async def validate(self, dataset: DataSet) -> ValidationReport:
        self.record("validate", dataset)
        return ValidationReport(dataset.name, checked_rows=len(dataset))


class FakeCleaner(Recorder):
    async def clean(self, dataset: DataSet) -> tuple[DataSet, CleaningReport]:
        self.record("clean", dataset)
        return dataset, CleaningReport(dataset.name, len(dataset), len(dataset))

    async def prepare_features(self, dataset: DataSet, target: str) -> DataSet:
        self.record("prepare_features", dataset, target)
        return dataset.with_records(dataset.records, name=f"{dataset.name}-features")


class FakeTrainer(Recorder):
    async def train(self, dataset: DataSet, target: str) -> TrainedModel:
        self.record("train", dataset, target)
        return MODEL

    async def predict(self, model_id: str, records: Sequence[dict[str, Any]]) -> list[int]:
        self.record("predict", model_id, records)
        return [1] * len(records)

    async def discard(self, model_id: str) -> None:
        self.record("discard", model_id)


class FakeRegistry(Recorder):
    async def deploy(self, model: TrainedModel, environment: str) -> Deployment:
        self.record("deploy", model, environment)
        return Deployment(model.model_id, model.version, environment)

    async def rollback(self, model_id: str, environment: str) -> Deployment | None:
        self.record("rollback", model_id, environment)
        return Deployment(model_id, 2, environment, DeploymentStatus.ACTIVE)

    async def active(self, environment: str) -> Deployment | None:
        self.record("active", environment)
        return None


class FakeObjectStore(Recorder):
    def __init__(self) -> None:
        super().__init__()
        self.blobs: dict[str, bytes] = {}

    async def put(self, key: str, data: bytes) -> None:
        self.record("put", key, data)
        self.blobs[key] = data

    async def get(self, key: str) -> bytes:
        self.record("get", key)
        return self.blobs[key]

    async def delete(self, key: str) -> None:
        self.record("delete", key)
        del self.blobs[key]


def called(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str, str, str]]:
    return [(x["domain"], x["service"], x["operation"], x["outcome"]) for x in adapter_logs(caplog)]


async def test_data_quality_adapter_reaches_the_validator(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    locator = DomainServiceLocator()
    fake = FakeValidator()
    locator.register_service("data_quality", "validator", fake)
    adapter = DataQualityAdapter(locator)

    report = await adapter.validate_dataset(DATASET)
    again = await adapter.validate(DATASET)

    assert report == again == ValidationReport("sales", checked_rows=2)
    assert fake.calls == [("validate", (DATASET,)), ("validate", (DATASET,))]
    assert called(caplog) == [("data_quality", "validator", "validate", "ok")] * 2


async def test_data_science_adapter_reaches_the_cleaner(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    locator = DomainServiceLocator()
    fake = FakeCleaner()
    locator.register_service("data_science", "cleaner", fake)
    adapter = DataScienceAdapter(locator)

    cleaned, report = await adapter.clean(DATASET)
    features = await adapter.prepare_features(DATASET, "y")

    assert cleaned is DATASET
    assert report == CleaningReport("sales", 2, 2)
    assert features.name == "sales-features"
    assert fake.calls == [("clean", (DATASET,)), ("prepare_features", (DATASET, "y"))]
    assert called(caplog) == [
        ("data_science", "cleaner", "clean", "ok"),
        ("data_science", "cleaner", "prepare_features", "ok"),
    ]


async def test_ml_adapter_reaches_the_trainer(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    locator = DomainServiceLocator()
    fake = FakeTrainer()
    locator.register_service("machine_learning", "trainer", fake)
    adapter = MLAdapter(locator)
    records = [{"x": 5}, {"x": 6}]

    assert await adapter.train(DATASET, "y") is MODEL
    assert await adapter.predict("m-1", records) == [1, 1]
    assert await adapter.discard("m-1") is None

    assert fake.calls == [
        ("train", (DATASET, "y")),
        ("predict", ("m-1", records)),
        ("discard", ("m-1",)),
    ]
    assert called(caplog) == [
        ("machine_learning", "trainer", "train", "ok"),
        ("machine_learning", "trainer", "predict", "ok"),
        ("machine_learning", "trainer", "discard", "ok"),
    ]


async def test_mlops_adapter_reaches_the_registry(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    locator = DomainServiceLocator()
    fake = FakeRegistry()
    locator.register_service("mlops", "registry", fake)
    adapter = MLOpsAdapter(locator)

    assert await adapter.deploy(MODEL) == Deployment("m-1", 3, "production")
    assert await adapter.deploy(MODEL, "staging") == Deployment("m-1", 3, "staging")
    assert await adapter.rollback("m-1") == Deployment("m-1", 2, "production")
    assert await adapter.active("staging") is None
    assert await adapter.active() is None

    assert fake.calls == [
        ("deploy", (MODEL, "production")),
        ("deploy", (MODEL, "staging")),
        ("rollback", ("m-1", "production")),
        ("active", ("staging",)),
        ("active", ("production",)),
    ]
    assert [c[:3] for c in called(caplog)] == [
        ("mlops", "registry", "deploy"),
        ("mlops", "registry", "deploy"),
        ("mlops", "registry", "rollback"),
        ("mlops", "registry", "active"),
        ("mlops", "registry", "active"),
    ]


async def test_cloud_storage_adapter_reaches_the_object_store(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    locator = DomainServiceLocator()
    fake = FakeObjectStore()
    locator.register_service("cloud", "object_store", fake)
    adapter = CloudStorageAdapter(locator)

    assert await adapter.put("reports/a.csv", b"x,y\n") is None
    assert await adapter.get("reports/a.csv") == b"x,y\n"
    assert await adapter.delete("reports/a.csv") is None

    assert fake.blobs == {}
    assert fake.calls == [
        ("put", ("reports/a.csv", b"x,y\n")),
        ("get", ("reports/a.csv",)),
        ("delete", ("reports/a.csv",)),
    ]
    assert called(caplog) == [
        ("cloud", "object_store", "put", "ok"),
        ("cloud", "object_store", "get", "ok"),
        ("cloud", "object_store", "delete", "ok"),
    ]


async def test_a_concrete_adapter_wraps_its_service_errors(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    adapter = CloudStorageAdapter(DomainServiceLocator())
    locator = adapter.service_locator
    locator.register_service("cloud", "object_store", FakeObjectStore())

    with pytest.raises(AdapterError) as caught:
        await adapter.get("nope")

    assert str(caught.value) == "cloud.object_store.get failed: KeyError: 'nope'"
    assert called(caplog) == [("cloud", "object_store", "get", "error")]


async def test_a_concrete_adapter_in_the_wrong_domain_finds_nothing() -> None:
    locator = DomainServiceLocator()
    locator.register_service("data_science", "validator", FakeValidator())

    with pytest.raises(AdapterError, match=r"^data_quality\.validator\.validate failed: "):
        await DataQualityAdapter(locator).validate(DATASET)
