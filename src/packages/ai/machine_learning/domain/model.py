"""A trained classifier: the ML domain's entity, identified by ``model_id``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ai.machine_learning.domain.logistic import LogisticRegression, Standardizer
from ai.machine_learning.domain.training_data import is_number
from shared.interfaces.models import TrainedModel


class UnknownModel(LookupError):
    """No model with this id: never trained here, or discarded."""

    def __init__(self, model_id: str) -> None:
        self.model_id = model_id
        super().__init__(f"no trained model {model_id!r} (never trained here, or discarded)")


def model_id_for(target: str, version: int) -> str:
    """Ids read as what they predict and which version: ``churned-v3``."""
    return f"{target}-v{version}"


@dataclass(frozen=True)
class Classifier:
    model_id: str
    version: int
    target: str
    features: tuple[str, ...]
    scaler: Standardizer
    regression: LogisticRegression
    metrics: Mapping[str, float] = field(default_factory=dict)

    def predict(self, record: Mapping[str, Any]) -> int:
        """0 or 1 for one record; it needs every feature, as a number."""
        values = []
        for name in self.features:
            value = record.get(name)
            if not is_number(value):
                found = "nothing" if value is None else repr(value)
                raise ValueError(f"feature {name!r} must be a number, got {found}")
            values.append(float(value))
        return self.regression.predict(self.scaler.transform(values))

    def describe(self) -> TrainedModel:
        """The model as other domains see it."""
        return TrainedModel(
            self.model_id, self.version, self.target, self.features, dict(self.metrics)
        )
