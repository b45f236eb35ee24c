"""Domain adapters: the one way a domain calls into another.

An adapter speaks the *calling* domain's language and reaches the target domain's
service through the :class:`DomainServiceLocator`. Every call goes through
:meth:`BaseDomainAdapter.call`, which applies a timeout, logs the call (domain,
service, operation, duration, outcome) and turns any failure into an
:class:`~shared.exceptions.AdapterError` that says which call failed and why.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from typing import Any, ClassVar

from shared.exceptions import AdapterError, AdapterTimeout, ServiceNotFound
from shared.integration._calls import DeadlineExceeded, invoke
from shared.integration.locator import DomainServiceLocator
from shared.interfaces.datasets import CleaningReport, DataSet, ValidationReport
from shared.interfaces.models import Deployment, TrainedModel

logger = logging.getLogger("shared.integration.adapters")

DEFAULT_CALL_TIMEOUT = 10.0


class BaseDomainAdapter:
    """Base class of adapters; subclasses set ``domain_name`` and add typed methods."""

    domain_name: ClassVar[str]
    timeout: float = DEFAULT_CALL_TIMEOUT

    def __init__(self, service_locator: DomainServiceLocator, *, timeout: float | None = None):
        if not getattr(type(self), "domain_name", None):
            raise TypeError(f"{type(self).__name__} must set the class attribute domain_name")
        self.service_locator = service_locator
        chosen = timeout if timeout is not None else service_locator.adapter_timeout
        if chosen is not None:
            self.timeout = chosen

    async def call(
        self, service: str, operation: str, *args: Any, timeout: float | None = None
    ) -> Any:
        """Call ``operation(*args)`` on this domain's ``service``, within the timeout."""
        limit = self.timeout if timeout is None else timeout
        started = time.perf_counter()
        outcome = "ok"
        try:
            target = await self.service_locator.get_service(self.domain_name, service)
            method = getattr(target, operation, None)
            if not callable(method):
                raise AdapterError(
                    self.domain_name,
                    service,
                    operation,
                    f"the service has no operation {operation!r}",
                )
            return await invoke(method, *args, timeout=limit)
        except ServiceNotFound as error:
            outcome = "not found"
            raise AdapterError(self.domain_name, service, operation, str(error)) from error
        except DeadlineExceeded as error:
            outcome = "timeout"
            raise AdapterTimeout(
                self.domain_name, service, operation, f"no answer within {limit:g} s"
            ) from error
        except AdapterError:
            outcome = "error"
            raise
        except asyncio.CancelledError:
            outcome = "cancelled"
            raise
        except Exception as error:
            outcome = "error"
            raise AdapterError(
                self.domain_name, service, operation, f"{type(error).__name__}: {error}"
            ) from error
        finally:
            logger.info(
                "cross-domain call domain=%s service=%s operation=%s outcome=%s duration_ms=%.1f",
                self.domain_name,
                service,
                operation,
                outcome,
                (time.perf_counter() - started) * 1000,
            )


class DataQualityAdapter(BaseDomainAdapter):
    domain_name = "data_quality"

    async def validate_dataset(self, dataset: DataSet) -> ValidationReport:
        report: ValidationReport = await self.call("validator", "validate", dataset)
        return report

    async def validate(self, dataset: DataSet) -> ValidationReport:
        """Same as :meth:`validate_dataset` (the short name some callers use)."""
        return await self.validate_dataset(dataset)


class DataScienceAdapter(BaseDomainAdapter):
    domain_name = "data_science"

    async def clean(self, dataset: DataSet) -> tuple[DataSet, CleaningReport]:
        cleaned: tuple[DataSet, CleaningReport] = await self.call("cleaner", "clean", dataset)
        return cleaned

    async def prepare_features(self, dataset: DataSet, target: str) -> DataSet:
        prepared: DataSet = await self.call("cleaner", "prepare_features", dataset, target)
        return prepared


class MLAdapter(BaseDomainAdapter):
    domain_name = "machine_learning"

    async def train(self, dataset: DataSet, target: str) -> TrainedModel:
        model: TrainedModel = await self.call("trainer", "train", dataset, target)
        return model

    async def predict(self, model_id: str, records: Sequence[dict[str, Any]]) -> list[int]:
        labels: list[int] = await self.call("trainer", "predict", model_id, records)
        return labels

    async def discard(self, model_id: str) -> None:
        await self.call("trainer", "discard", model_id)


class MLOpsAdapter(BaseDomainAdapter):
    domain_name = "mlops"

    async def deploy(self, model: TrainedModel, environment: str = "production") -> Deployment:
        deployment: Deployment = await self.call("registry", "deploy", model, environment)
        return deployment

    async def rollback(self, model_id: str, environment: str = "production") -> Deployment | None:
        previous: Deployment | None = await self.call("registry", "rollback", model_id, environment)
        return previous

    async def active(self, environment: str = "production") -> Deployment | None:
        current: Deployment | None = await self.call("registry", "active", environment)
        return current


class CloudStorageAdapter(BaseDomainAdapter):
    domain_name = "cloud"

    async def put(self, key: str, data: bytes) -> None:
        await self.call("object_store", "put", key, data)

    async def get(self, key: str) -> bytes:
        data: bytes = await self.call("object_store", "get", key)
        return data

    async def delete(self, key: str) -> None:
        await self.call("object_store", "delete", key)
