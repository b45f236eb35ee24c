"""The composition root: every domain built, registered and wired, in one call.

This is the one module that imports the domains. Each gets its service registered with
the locator under the name its port is reached by; the kernel's adapters are
registered with the configured timeout; MLOps is subscribed to ``ModelTrained``.

Settings applied:

* ``adapter_timeout``: every kernel adapter's call timeout.
* ``handler_timeout``: the event bus's handler timeout (only for a bus built here).
* ``saga_log_path``: a :class:`SqliteSagaLog` there (its folder created), else in memory.
* ``object_store_root``: a :class:`LocalFileSystemObjectStore` there, else in memory.
* ``anomaly_threshold``: the detector's threshold.
* ``deploy_accuracy``: the accuracy at which MLOps auto-deploys a model to staging.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ai.machine_learning.application.training import TrainingService
from ai.mlops.adapters.subscriptions import subscribe_registry
from ai.mlops.application.registry import ModelRegistryService
from data.anomaly_detection.adapters.events import EventBusAnomalyPublisher
from data.anomaly_detection.application.detection import AnomalyDetectionService
from data.data_quality.application.validation import DatasetValidationService
from data.data_science.application.cleaning import DataCleaningService
from enterprise.security.application.authorization import AuthorizationService
from integrations.cloud.adapters.filesystem import LocalFileSystemObjectStore
from integrations.cloud.adapters.memory import InMemoryObjectStore
from shared.configurations.settings import Settings
from shared.integration.event_bus import EventBus, Subscription
from shared.integration.locator import DomainServiceLocator
from shared.integration.saga_log import InMemorySagaLog, SagaLog, SqliteSagaLog
from shared.interfaces.ports import ObjectStore


@dataclass
class Application:
    """What ``bootstrap()`` built: reach services through ``locator``."""

    locator: DomainServiceLocator
    event_bus: EventBus
    settings: Settings
    saga_log: SagaLog
    subscriptions: list[Subscription] = field(default_factory=list)


def bootstrap(
    settings: Settings | None = None,
    *,
    event_bus: EventBus | None = None,
    locator: DomainServiceLocator | None = None,
) -> Application:
    """Build the application; ``settings`` default to ``Settings.from_env()``.

    Pass ``event_bus`` or ``locator`` to wire into existing ones (a test's, say);
    services already registered there under the same names are replaced.
    """
    settings = settings if settings is not None else Settings.from_env()
    bus = event_bus if event_bus is not None else EventBus(handler_timeout=settings.handler_timeout)
    locator = locator if locator is not None else DomainServiceLocator()
    if locator.adapter_timeout is None:  # adapters built by get_adapter() use it
        locator.adapter_timeout = settings.adapter_timeout
    app = Application(locator, bus, settings, _saga_log(settings))

    registry = ModelRegistryService(bus, auto_deploy_accuracy=settings.deploy_accuracy)
    services: dict[tuple[str, str], object] = {
        ("data_quality", "validator"): DatasetValidationService(),
        ("anomaly_detection", "detector"): AnomalyDetectionService(
            threshold=settings.anomaly_threshold, publisher=EventBusAnomalyPublisher(bus)
        ),
        ("data_science", "cleaner"): DataCleaningService(),
        ("machine_learning", "trainer"): TrainingService(event_bus=bus),
        ("mlops", "registry"): registry,
        ("security", "authorization"): AuthorizationService(),
        ("cloud", "object_store"): _object_store(settings),
    }
    for (domain, name), service in services.items():
        # Instances, not factories: each is built once here, with its settings.
        locator.register_service(domain, name, service, factory=False)
    app.subscriptions.extend(subscribe_registry(bus, registry))
    return app


def _saga_log(settings: Settings) -> SagaLog:
    if settings.saga_log_path is None:
        return InMemorySagaLog()
    settings.saga_log_path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteSagaLog(settings.saga_log_path)


def _object_store(settings: Settings) -> ObjectStore:
    if settings.object_store_root is None:
        return InMemoryObjectStore()
    return LocalFileSystemObjectStore(settings.object_store_root)
