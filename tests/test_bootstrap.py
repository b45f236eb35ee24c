"""bootstrap(): every domain registered under its name, wired, and configured."""

from __future__ import annotations

from pathlib import Path

import pytest

from ai.machine_learning.application.training import TrainingService
from ai.mlops.application.registry import ModelRegistryService
from data.anomaly_detection.application.detection import AnomalyDetectionService
from data.data_quality.application.validation import DatasetValidationService
from data.data_science.application.cleaning import DataCleaningService
from deployment.bootstrap import Application, bootstrap
from enterprise.security.application.authorization import AuthorizationService
from integrations.cloud.adapters.filesystem import LocalFileSystemObjectStore
from integrations.cloud.adapters.memory import InMemoryObjectStore
from shared.configurations.settings import Settings
from shared.integration.cross_domain_patterns import (
    DomainServiceLocator,
    EventBus,
    InMemorySagaLog,
    SqliteSagaLog,
)
from shared.integration.domain_adapters import (
    CloudStorageAdapter,
    DataQualityAdapter,
    DataScienceAdapter,
    MLAdapter,
    MLOpsAdapter,
)
from shared.interfaces import DataSet

ADAPTERS = (DataQualityAdapter, DataScienceAdapter, MLAdapter, MLOpsAdapter, CloudStorageAdapter)

SERVICES = {
    ("anomaly_detection", "detector"): AnomalyDetectionService,
    ("cloud", "object_store"): InMemoryObjectStore,
    ("data_quality", "validator"): DatasetValidationService,
    ("data_science", "cleaner"): DataCleaningService,
    ("machine_learning", "trainer"): TrainingService,
    ("mlops", "registry"): ModelRegistryService,
    ("security", "authorization"): AuthorizationService,
}


def churn() -> DataSet:
    return DataSet.from_records(
        [{"tenure": float(i), "churned": int(i < 10)} for i in range(20)], name="churn"
    )


@pytest.fixture
def app() -> Application:
    return bootstrap(Settings())


async def test_every_service_is_registered_under_its_name(app: Application) -> None:
    assert app.locator.services() == sorted(SERVICES)
    for (domain, name), kind in SERVICES.items():
        assert isinstance(await app.locator.get_service(domain, name), kind), (domain, name)
    assert isinstance(app.saga_log, InMemorySagaLog)


async def test_the_readme_flow_works(app: Application) -> None:
    detector = await app.locator.get_service("anomaly_detection", "detector")
    rows = [{"id": i, "amount": 10.0 + i % 3} for i in range(12)] + [{"id": 12, "amount": 500.0}]

    result = await detector.detect(DataSet.from_records(rows, name="x"))
    report = await app.locator.get_adapter(DataQualityAdapter).validate_dataset(
        DataSet.from_records([{"id": 1, "amount": None}])
    )

    assert result.anomalous_rows == (12,)
    assert report.summary() == "dataset: 1 issue(s) in 1 rows"


async def test_the_kernel_adapters_reach_the_real_services(app: Application) -> None:
    cleaned, _ = await app.locator.get_adapter(DataScienceAdapter).clean(churn())
    model = await app.locator.get_adapter(MLAdapter).train(cleaned, "churned")
    mlops = app.locator.get_adapter(MLOpsAdapter)
    deployment = await mlops.deploy(model, "production")
    store = app.locator.get_adapter(CloudStorageAdapter)
    await store.put("models/latest", model.model_id.encode())

    labels = await app.locator.get_adapter(MLAdapter).predict(model.model_id, [{"tenure": 1.0}])

    assert labels == [1]
    assert await mlops.active("production") == deployment
    assert await store.get("models/latest") == b"churned-v1"


async def test_mlops_auto_deploys_what_training_announces(app: Application) -> None:
    model = await app.locator.get_adapter(MLAdapter).train(churn(), "churned")

    staging = await app.locator.get_adapter(MLOpsAdapter).active("staging")

    assert staging is not None
    assert staging.model_id == model.model_id
    assert [s.topic for s in app.subscriptions] == ["ml.training.completed"]


async def test_settings_are_applied(tmp_path: Path) -> None:
    settings = Settings(
        adapter_timeout=2.5,
        handler_timeout=4.0,
        saga_log_path=tmp_path / "logs" / "sagas.db",
        object_store_root=tmp_path / "objects",
        anomaly_threshold=7.0,
        deploy_accuracy=1.5,  # unreachable: nothing is auto-deployed
    )

    app = bootstrap(settings)
    await app.locator.get_adapter(MLAdapter).train(churn(), "churned")
    store = await app.locator.get_service("cloud", "object_store")
    await store.put("a/b.txt", b"hi")

    assert app.settings is settings
    assert all(app.locator.get_adapter(a).timeout == 2.5 for a in ADAPTERS)
    assert app.event_bus.handler_timeout == 4.0
    assert isinstance(app.saga_log, SqliteSagaLog)
    assert (tmp_path / "logs" / "sagas.db").is_file()
    assert isinstance(store, LocalFileSystemObjectStore)
    assert (tmp_path / "objects" / "a" / "b.txt").read_bytes() == b"hi"
    assert (await app.locator.get_service("anomaly_detection", "detector")).threshold == 7.0
    assert await app.locator.get_adapter(MLOpsAdapter).active("staging") is None
    app.saga_log.close()


def test_without_settings_the_environment_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEX_ADAPTER_TIMEOUT", "3")

    app = bootstrap()

    assert app.settings.adapter_timeout == 3.0
    assert app.locator.get_adapter(CloudStorageAdapter).timeout == 3.0


async def test_a_given_bus_and_locator_are_wired_into() -> None:
    bus, locator = EventBus(handler_timeout=1.0), DomainServiceLocator()
    locator.register_service("reporting", "publisher", object())

    app = bootstrap(Settings(), event_bus=bus, locator=locator)

    assert app.event_bus is bus
    assert app.locator is locator
    assert bus.handler_timeout == 1.0
    assert locator.is_registered("reporting", "publisher")
    assert locator.is_registered("mlops", "registry")
    assert len(bus.subscriptions("ml.training.completed")) == 1


def test_two_applications_share_nothing() -> None:
    first, second = bootstrap(Settings()), bootstrap(Settings())

    assert first.locator is not second.locator
    assert first.event_bus is not second.event_bus
    assert first.saga_log is not second.saga_log
