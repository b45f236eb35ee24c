"""The services each domain offers, as the others may rely on them (typing Protocols).

A domain implements its port; another domain reaches it through an adapter and the
service locator, and never sees the implementing class.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from shared.interfaces.datasets import AnomalyResult, CleaningReport, DataSet, ValidationReport
from shared.interfaces.models import Deployment, TrainedModel


class DatasetValidator(Protocol):
    async def validate(self, dataset: DataSet) -> ValidationReport: ...


class AnomalyDetector(Protocol):
    async def detect(self, dataset: DataSet) -> AnomalyResult: ...


class DataCleaner(Protocol):
    async def clean(self, dataset: DataSet) -> tuple[DataSet, CleaningReport]: ...

    async def prepare_features(self, dataset: DataSet, target: str) -> DataSet: ...


class ModelTrainer(Protocol):
    async def train(self, dataset: DataSet, target: str) -> TrainedModel: ...

    async def predict(self, model_id: str, records: Sequence[dict[str, Any]]) -> list[int]: ...

    async def discard(self, model_id: str) -> None: ...


class ModelRegistry(Protocol):
    async def deploy(self, model: TrainedModel, environment: str) -> Deployment: ...

    async def rollback(self, model_id: str, environment: str) -> Deployment | None: ...

    async def active(self, environment: str) -> Deployment | None: ...


class ObjectStore(Protocol):
    async def put(self, key: str, data: bytes) -> None: ...

    async def get(self, key: str) -> bytes: ...

    async def delete(self, key: str) -> None: ...

    async def keys(self, prefix: str = "") -> list[str]: ...
