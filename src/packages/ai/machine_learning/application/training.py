"""The training service: trains, predicts with and discards binary classifiers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ai.machine_learning.application.repository import InMemoryModelRepository, ModelRepository
from ai.machine_learning.domain.logistic import (
    Standardizer,
    accuracy,
    fit_logistic,
    log_loss,
)
from ai.machine_learning.domain.model import Classifier, model_id_for
from ai.machine_learning.domain.training_data import training_data
from shared.integration.event_bus import EventBus
from shared.interfaces.datasets import DataSet
from shared.interfaces.events import ModelTrained
from shared.interfaces.models import TrainedModel


class TrainingService:
    """Implements the ``ModelTrainer`` port with logistic regression.

    ``train`` publishes :class:`~shared.interfaces.events.ModelTrained` on ``event_bus``
    (when given) once the model is stored, so a subscriber can already use it. Metrics
    are measured on the training data: ``accuracy``, ``log_loss`` and ``rows``.
    """

    def __init__(
        self,
        repository: ModelRepository | None = None,
        event_bus: EventBus | None = None,
        *,
        epochs: int = 500,
        learning_rate: float = 0.5,
    ) -> None:
        self.repository: ModelRepository = (
            repository if repository is not None else InMemoryModelRepository()
        )
        self._event_bus = event_bus
        self.epochs = epochs
        self.learning_rate = learning_rate

    async def train(self, dataset: DataSet, target: str) -> TrainedModel:
        data = training_data(dataset, target)
        scaler = Standardizer.fit(data.rows)
        rows = [scaler.transform(row) for row in data.rows]
        regression = fit_logistic(
            rows, data.labels, epochs=self.epochs, learning_rate=self.learning_rate
        )
        metrics = {
            "accuracy": accuracy([regression.predict(r) for r in rows], data.labels),
            "log_loss": log_loss([regression.probability(r) for r in rows], data.labels),
            "rows": float(len(rows)),
        }
        version = self.repository.reserve_version(target)
        model = Classifier(
            model_id_for(target, version),
            version,
            target,
            data.features,
            scaler,
            regression,
            metrics,
        )
        self.repository.add(model)
        if self._event_bus is not None:
            await self._event_bus.publish(
                ModelTrained(model.model_id, version, metrics["accuracy"])
            )
        return model.describe()

    async def predict(self, model_id: str, records: Sequence[dict[str, Any]]) -> list[int]:
        """One 0/1 label per record; a bad record raises ``ValueError`` naming it."""
        model = self.repository.get(model_id)
        labels = []
        for index, record in enumerate(records):
            try:
                labels.append(model.predict(record))
            except ValueError as error:
                raise ValueError(f"record {index}: {error}") from None
        return labels

    async def describe(self, model_id: str) -> TrainedModel:
        return self.repository.get(model_id).describe()

    async def discard(self, model_id: str) -> None:
        """Forget the model; discarding twice, or an unknown id, does nothing."""
        self.repository.remove(model_id)
