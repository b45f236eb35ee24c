"""The anomaly detection service, and the port it reports findings through."""

from __future__ import annotations

from typing import Protocol

from data.anomaly_detection.domain.detection import Method, find_anomalies
from shared.interfaces.datasets import AnomalyResult, DataSet


class AnomalyPublisher(Protocol):
    """Where the service reports a result that has anomalies (e.g. the event bus)."""

    async def publish(self, result: AnomalyResult) -> None: ...


class AnomalyDetectionService:
    """Implements the ``AnomalyDetector`` port over every numeric column of a dataset.

    ``method`` is ``"zscore"`` (leave-one-out z-score, the default) or ``"iqr"``;
    ``threshold`` is the score a value must exceed (3.0: three standard deviations, or
    Tukey's "far out" fence for ``iqr``). See :mod:`data.anomaly_detection.domain.scores`.
    A result with anomalies is also given to ``publisher``, when there is one.
    """

    def __init__(
        self,
        method: str = "zscore",
        threshold: float = 3.0,
        *,
        publisher: AnomalyPublisher | None = None,
    ) -> None:
        if method not in set(Method):
            raise ValueError(f"unknown method {method!r}; use one of {', '.join(Method)}")
        if not threshold > 0:
            raise ValueError(f"threshold must be greater than 0, got {threshold!r}")
        self.method = Method(method)
        self.threshold = float(threshold)
        self._publisher = publisher

    async def detect(self, dataset: DataSet) -> AnomalyResult:
        anomalies = find_anomalies(dataset, self.method, self.threshold)
        result = AnomalyResult(dataset.name, self.method.value, self.threshold, anomalies)
        if self._publisher is not None and result.has_anomalies:
            await self._publisher.publish(result)
        return result
