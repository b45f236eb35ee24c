"""Machine-learning artefacts as other domains see them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True)
class TrainedModel:
    """A model trained by the machine learning domain, identified by id and version."""

    model_id: str
    version: int
    target: str
    features: tuple[str, ...]
    metrics: dict[str, float] = field(default_factory=dict)

    @property
    def accuracy(self) -> float:
        return self.metrics.get("accuracy", 0.0)


class DeploymentStatus(StrEnum):
    ACTIVE = "active"
    ROLLED_BACK = "rolled_back"
    RETIRED = "retired"


@dataclass(frozen=True)
class Deployment:
    model_id: str
    version: int
    environment: str
    status: DeploymentStatus = DeploymentStatus.ACTIVE
