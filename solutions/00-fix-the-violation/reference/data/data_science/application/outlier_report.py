"""Outlier report for the data science domain."""

from shared.integration.cross_domain_patterns import DomainServiceLocator
from shared.integration.domain_adapters import BaseDomainAdapter
from shared.interfaces import AnomalyResult, DataSet


class AnomalyDetection(BaseDomainAdapter):
    """Data science's adapter to the anomaly detection domain."""

    domain_name = "anomaly_detection"

    async def detect(self, dataset: DataSet) -> AnomalyResult:
        result: AnomalyResult = await self.call("detector", "detect", dataset)
        return result


class OutlierReport:
    """Tells which rows of a dataset look wrong."""

    def __init__(self, service_locator: DomainServiceLocator) -> None:
        self.detection = service_locator.get_adapter(AnomalyDetection)

    async def outlier_rows(self, dataset: DataSet) -> list[int]:
        result = await self.detection.detect(dataset)
        return list(result.anomalous_rows)

    async def summary(self, dataset: DataSet) -> str:
        rows = await self.outlier_rows(dataset)
        return f"{dataset.name}: {len(rows)} outlier row(s)"
