"""The events domains publish to each other: part of the shared, published language.

They live here, not in the publishing domain, so a subscriber never has to import the
publisher to know what it receives.
"""

from __future__ import annotations

from shared.integration.events import DomainEvent
from shared.interfaces.datasets import DataSet


class DataValidationFailed(DomainEvent):
    """A dataset failed validation; ``dataset`` carries it, for whoever cleans it up."""

    topic = "data_quality.validation.failed"

    def __init__(
        self,
        dataset_name: str,
        issue_count: int,
        issues: list[str],
        dataset: DataSet | None = None,
    ) -> None:
        super().__init__(self.topic)
        self.dataset_name = dataset_name
        self.issue_count = issue_count
        self.issues = issues
        self.dataset = dataset


class DataCleaned(DomainEvent):
    topic = "data_science.data.cleaned"

    def __init__(self, dataset_name: str, rows_before: int, rows_after: int) -> None:
        super().__init__(self.topic)
        self.dataset_name = dataset_name
        self.rows_before = rows_before
        self.rows_after = rows_after


class DatasetReleased(DomainEvent):
    """A dataset was published for others to use: ``key`` in the object store holds its
    ``rows`` records; ``quarantined`` anomalous rows were held back."""

    topic = "data_science.dataset.released"

    def __init__(self, dataset_name: str, key: str, rows: int, quarantined: int) -> None:
        super().__init__(self.topic)
        self.dataset_name = dataset_name
        self.key = key
        self.rows = rows
        self.quarantined = quarantined


class AnomaliesDetected(DomainEvent):
    topic = "anomaly_detection.anomalies.detected"

    def __init__(self, dataset_name: str, rows: list[int]) -> None:
        super().__init__(self.topic)
        self.dataset_name = dataset_name
        self.rows = rows


class ModelTrained(DomainEvent):
    topic = "ml.training.completed"

    def __init__(self, model_id: str, version: int, accuracy: float) -> None:
        super().__init__(self.topic)
        self.model_id = model_id
        self.version = version
        self.accuracy = accuracy


class ModelDeployed(DomainEvent):
    topic = "mlops.model.deployed"

    def __init__(self, model_id: str, version: int, environment: str) -> None:
        super().__init__(self.topic)
        self.model_id = model_id
        self.version = version
        self.environment = environment


class ModelRolledBack(DomainEvent):
    topic = "mlops.model.rolled_back"

    def __init__(self, model_id: str, environment: str, to_version: int | None) -> None:
        super().__init__(self.topic)
        self.model_id = model_id
        self.environment = environment
        self.to_version = to_version
