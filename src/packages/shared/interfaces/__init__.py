"""Types and ports that cross domain boundaries: the monorepo's published language."""

from shared.interfaces.datasets import (
    Anomaly,
    AnomalyResult,
    CleaningReport,
    DataSet,
    ValidationIssue,
    ValidationReport,
)
from shared.interfaces.models import Deployment, DeploymentStatus, TrainedModel

__all__ = [
    "Anomaly",
    "AnomalyResult",
    "CleaningReport",
    "DataSet",
    "Deployment",
    "DeploymentStatus",
    "TrainedModel",
    "ValidationIssue",
    "ValidationReport",
]
