"""Every code sample of the training outline, run as written against the kernel.

The samples are kept verbatim (they are the kernel's API contract). Where a sample
uses a name it never defines (``DataSet``, ``gdpr_validator``, ``other_domain``...),
the test supplies it in a "given" namespace, then checks the sample's behaviour.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path
from typing import Any

import pytest

from deployment.bootstrap import bootstrap
from shared.exceptions import NotAuthenticated, PermissionDenied
from shared.infrastructure.security import SecurityContext
from shared.integration.cross_domain_patterns import SagaContext, SagaStatus
from shared.interfaces import DataSet

ROOT = Path(__file__).resolve().parents[1]


async def run_sample(code: str, given: dict[str, Any] | None = None) -> dict[str, Any]:
    """Execute ``code`` as a module would, top-level ``await`` allowed."""
    namespace: dict[str, Any] = {"__name__": "outline_sample", **(given or {})}
    compiled = compile(code, "<outline sample>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    result = eval(compiled, namespace)
    if inspect.iscoroutine(result):
        await result
    return namespace


def records() -> DataSet:
    rows = [{"id": i, "amount": 10.0 + i % 3} for i in range(12)] + [{"id": 12, "amount": 500.0}]
    return DataSet.from_records(rows, name="payments")


# ---------------------------------------------------------------- architecture overview
def test_the_domain_structure_exists() -> None:
    for folder in (
        "shared",
        "data/anomaly_detection",
        "data/data_quality",
        "data/data_science",
        "ai/machine_learning",
        "ai/mlops",
        "enterprise/security",
        "integrations/cloud",
    ):
        assert (ROOT / "src/packages" / folder / "__init__.py").is_file(), folder


# ---------------------------------------------------------------- 1. domain adapters
ADAPTER_SAMPLE = """
# ✅ CORRECT: Using domain adapter
from shared.integration.domain_adapters import DataQualityAdapter
from shared.integration.cross_domain_patterns import DomainServiceLocator

class MachineLearningService:
    def __init__(self, service_locator: DomainServiceLocator):
        self.data_quality = service_locator.get_adapter(DataQualityAdapter)
    
    async def validate_training_data(self, data):
        # Cross-domain call through adapter
        return await self.data_quality.validate_dataset(data)
"""


async def test_domain_adapter_sample() -> None:
    sample = await run_sample(ADAPTER_SAMPLE)
    app = bootstrap()
    service = sample["MachineLearningService"](app.locator)

    good = await service.validate_training_data(records())
    bad = await service.validate_training_data(
        DataSet.from_records([{"id": 1, "amount": None}], name="gaps")
    )

    assert good.is_valid
    assert not bad.is_valid
    assert bad.issues[0].kind == "missing"


# ---------------------------------------------------------------- 2. event bus
EVENT_SAMPLE = """
# ✅ CORRECT: Event-driven communication
from shared.integration.cross_domain_patterns import EventBus, DomainEvent

class ModelTrainingCompleted(DomainEvent):
    def __init__(self, model_id: str, accuracy: float):
        super().__init__("ml.training.completed")
        self.model_id = model_id
        self.accuracy = accuracy

class MLOpsService:
    def __init__(self, event_bus: EventBus):
        self.event_bus = event_bus
        # Subscribe to events from ML domain
        self.event_bus.subscribe("ml.training.completed", self.handle_training_completion)
    
    async def handle_training_completion(self, event: ModelTrainingCompleted):
        if event.accuracy > 0.95:
            await self.deploy_model(event.model_id)
"""


async def test_event_bus_sample() -> None:
    sample = await run_sample(EVENT_SAMPLE)
    deployed: list[str] = []

    class MLOps(sample["MLOpsService"]):  # type: ignore[misc]
        async def deploy_model(self, model_id: str) -> None:  # the sample leaves it out
            deployed.append(model_id)

    bus = sample["EventBus"]()
    MLOps(bus)
    event_class = sample["ModelTrainingCompleted"]

    await bus.publish(event_class("good-model", 0.97))
    outcomes = await bus.publish(event_class("weak-model", 0.80))

    assert deployed == ["good-model"]
    assert outcomes.all_succeeded
    assert event_class("m", 1.0).to_dict()["payload"] == {"model_id": "m", "accuracy": 1.0}


# ---------------------------------------------------------------- 3. saga
SAGA_SAMPLE = """
# ✅ CORRECT: Saga for complex workflows
from shared.integration.cross_domain_patterns import SagaOrchestrator, SagaStep

class DataProcessingSaga(SagaOrchestrator):
    def __init__(self):
        super().__init__("data_processing_workflow")
        self.add_step(SagaStep("validate_data", self.validate_data, self.rollback_validation))
        self.add_step(SagaStep("process_data", self.process_data, self.rollback_processing))
        self.add_step(SagaStep("train_model", self.train_model, self.rollback_training))
        self.add_step(SagaStep("deploy_model", self.deploy_model, self.rollback_deployment))
    
    async def validate_data(self, context):
        # Use adapter to call data quality domain
        return await self.data_quality_adapter.validate(context.dataset)
"""


@pytest.mark.parametrize("failing", [None, "train_model", "deploy_model"])
async def test_saga_sample(failing: str | None) -> None:
    sample = await run_sample(SAGA_SAMPLE)
    from shared.integration.domain_adapters import DataQualityAdapter

    app = bootstrap()
    journal: list[str] = []

    class Pipeline(sample["DataProcessingSaga"]):  # type: ignore[misc]
        """The sample, with the steps it leaves to the reader."""

        def __init__(self) -> None:
            self.data_quality_adapter = app.locator.get_adapter(DataQualityAdapter)
            super().__init__()

        def _step(self, name: str) -> str:
            journal.append(name)
            if name == failing:
                raise RuntimeError(f"{name} failed")
            return name

        async def process_data(self, context: SagaContext) -> str:
            return self._step("process_data")

        async def train_model(self, context: SagaContext) -> str:
            return self._step("train_model")

        async def deploy_model(self, context: SagaContext) -> str:
            return self._step("deploy_model")

        async def rollback_validation(self, context: SagaContext) -> None:
            journal.append("undo validate_data")

        async def rollback_processing(self, context: SagaContext) -> None:
            journal.append("undo process_data")

        async def rollback_training(self, context: SagaContext) -> None:
            journal.append("undo train_model")

        async def rollback_deployment(self, context: SagaContext) -> None:
            journal.append("undo deploy_model")

    result = await Pipeline().execute(SagaContext(dataset=records()))

    assert result.context.results["validate_data"].is_valid
    if failing is None:
        assert result.status is SagaStatus.COMPLETED
        assert journal == ["process_data", "train_model", "deploy_model"]
    elif failing == "train_model":
        assert result.status is SagaStatus.COMPENSATED
        assert journal == ["process_data", "train_model", "undo process_data", "undo validate_data"]
    else:
        assert journal[-3:] == ["undo train_model", "undo process_data", "undo validate_data"]


# ---------------------------------------------------------------- security
SECURITY_SAMPLE = """
from shared.infrastructure.security import SecurityContext, require_permission

class CrossDomainService:
    @require_permission("data:read")
    async def fetch_data(self, context: SecurityContext):
        # Security context is automatically validated
        pass
"""


async def test_security_sample() -> None:
    sample = await run_sample(SECURITY_SAMPLE)
    service = sample["CrossDomainService"]()

    assert await service.fetch_data(SecurityContext("ada", permissions={"data:read"})) is None
    assert await service.fetch_data(SecurityContext("root", permissions={"data:*"})) is None
    with pytest.raises(PermissionDenied, match="'eve' lacks permission 'data:read'"):
        await service.fetch_data(SecurityContext("eve", permissions={"ml:train"}))
    with pytest.raises(NotAuthenticated):
        await service.fetch_data(None)


# ---------------------------------------------------------------- compliance
COMPLIANCE_SAMPLE = """
from shared.infrastructure.compliance import ComplianceFramework

# Register GDPR compliance for data operations
compliance = ComplianceFramework()
compliance.register_requirement("GDPR", "data_processing", gdpr_validator)
"""


async def test_compliance_sample() -> None:
    from shared.infrastructure.gdpr import ProcessingRequest, gdpr_validator

    sample = await run_sample(COMPLIANCE_SAMPLE, {"gdpr_validator": gdpr_validator})
    compliance = sample["compliance"]
    lawful = ProcessingRequest("analytics", "consent", frozenset({"region"}), consent_given=True)
    no_consent = ProcessingRequest("analytics", "consent", frozenset({"region"}))

    assert (await compliance.evaluate("data_processing", lawful)).compliant
    report = await compliance.evaluate("data_processing", no_consent)
    assert not report.compliant
    assert "consent was not given" in report.summary()


# ---------------------------------------------------------------- exercise 1
EXERCISE_1_STARTER = """
# Your implementation here
class AnomalyDetectionAdapter:
    # TODO: Implement adapter interface
    pass
"""

EXERCISE_1_SOLUTION = """
from shared.integration.domain_adapters import BaseDomainAdapter
from shared.integration.cross_domain_patterns import DomainServiceLocator

class AnomalyDetectionAdapter(BaseDomainAdapter):
    domain_name = "anomaly_detection"
    
    async def detect_anomalies(self, dataset: DataSet) -> AnomalyResult:
        # Use service locator to get anomaly detection service
        service = await self.service_locator.get_service("anomaly_detection", "detector")
        return await service.detect(dataset)
"""


async def test_exercise_1_starter_and_solution() -> None:
    from shared.interfaces import AnomalyResult

    await run_sample(EXERCISE_1_STARTER)
    sample = await run_sample(
        EXERCISE_1_SOLUTION, {"DataSet": DataSet, "AnomalyResult": AnomalyResult}
    )
    adapter = bootstrap().locator.get_adapter(sample["AnomalyDetectionAdapter"])

    result = await adapter.detect_anomalies(records())

    assert isinstance(result, AnomalyResult)
    assert result.anomalous_rows == (12,)


# ---------------------------------------------------------------- common pitfalls
PITFALL_IMPORTS = """
# ❌ DON'T DO THIS
from ai.machine_learning.services import MLService

# ✅ DO THIS INSTEAD
from shared.integration.domain_adapters import MLAdapter
"""

PITFALL_COUPLING_BAD = """
# ❌ DON'T DO THIS
class DataProcessor:
    def __init__(self):
        self.ml_service = MLService()  # Direct dependency
"""

PITFALL_COUPLING_GOOD = """
# ✅ DO THIS INSTEAD
class DataProcessor:
    def __init__(self, ml_adapter: MLAdapter):
        self.ml_adapter = ml_adapter  # Injected dependency
"""

PITFALL_BLOCKING = """
# ❌ DON'T DO THIS
result = other_domain.process_data(data)  # Blocking call
"""

PITFALL_AWAITED = """
# ✅ DO THIS INSTEAD
result = await other_domain.process_data(data)  # Async call
"""


async def test_pitfall_samples_run_and_show_the_difference() -> None:
    imports = await run_sample(PITFALL_IMPORTS)
    bad = await run_sample(PITFALL_COUPLING_BAD, {"MLService": imports["MLService"]})
    good = await run_sample(PITFALL_COUPLING_GOOD, {"MLAdapter": imports["MLAdapter"]})
    adapter = bootstrap().locator.get_adapter(imports["MLAdapter"])

    assert isinstance(bad["DataProcessor"]().ml_service, imports["MLService"])
    assert good["DataProcessor"](adapter).ml_adapter is adapter

    class OtherDomain:
        async def process_data(self, data: list[int]) -> list[int]:
            return [x * 2 for x in data]

    given = {"other_domain": OtherDomain(), "data": [1, 2]}
    blocking = await run_sample(PITFALL_BLOCKING, given)
    awaited = await run_sample(PITFALL_AWAITED, given)

    assert inspect.iscoroutine(blocking["result"])  # no data: the call never ran
    blocking["result"].close()
    assert awaited["result"] == [2, 4]
