"""The machine learning domain: training data rules, logistic regression, the service."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from ai.machine_learning.adapters.json_repository import JsonFileModelRepository
from ai.machine_learning.application.repository import InMemoryModelRepository
from ai.machine_learning.application.training import TrainingService
from ai.machine_learning.domain.logistic import fit_logistic, sigmoid
from ai.machine_learning.domain.model import UnknownModel
from shared.integration.event_bus import EventBus
from shared.interfaces import DataSet
from shared.interfaces.events import ModelTrained


def toy(target_as_bool: bool = False) -> DataSet:
    """Twenty rows, separable on x1; x2 is noise, name and flag are not features."""
    rows = []
    for i in range(20):
        label = i >= 10
        rows.append(
            {
                "x1": float(i),
                "x2": float((i * 7) % 5),
                "label": label if target_as_bool else int(label),
                "name": f"r{i}",
                "flag": i % 2 == 0,
            }
        )
    return DataSet.from_records(rows, name="toy")


async def test_a_separable_dataset_is_learned() -> None:
    service = TrainingService()

    model = await service.train(toy(), "label")

    assert (model.model_id, model.version, model.target) == ("label-v1", 1, "label")
    assert model.features == ("x1", "x2")
    assert model.accuracy >= 0.9
    assert model.metrics["rows"] == 20.0
    assert 0 < model.metrics["log_loss"] < 0.2
    labels = await service.predict(model.model_id, list(toy().records))
    assert labels == [0] * 10 + [1] * 10


async def test_a_boolean_target_works_like_zero_and_one() -> None:
    model = await TrainingService().train(toy(target_as_bool=True), "label")

    assert model.accuracy >= 0.9


async def test_training_is_deterministic() -> None:
    first, second = TrainingService(), TrainingService()

    a = await first.train(toy(), "label")
    b = await second.train(toy(), "label")

    assert a == b
    assert first.repository.get(a.model_id) == second.repository.get(b.model_id)


async def test_versions_count_up_per_target_and_are_never_reused() -> None:
    service = TrainingService()
    dataset = toy()
    other = dataset.with_records({**r, "other": 1 - r["label"]} for r in dataset.records)

    ids = [
        (await service.train(dataset, "label")).model_id,
        (await service.train(dataset, "label")).model_id,
        (await service.train(other, "other")).model_id,
    ]
    await service.discard("label-v2")
    ids.append((await service.train(dataset, "label")).model_id)

    assert ids == ["label-v1", "label-v2", "other-v1", "label-v3"]


@pytest.mark.parametrize(
    ("records", "message"),
    [
        ([], "cannot train on 'bad': it has no rows"),
        ([{"x": 1, "y": 0}], "target 'label' is not a column of 'bad'; columns: x, y"),
        (
            [{"x": 1, "label": 0}, {"x": 2, "label": 2}],
            r"target 'label' must be binary \(0/1 or True/False\); row 1 holds 2",
        ),
        ([{"x": 1, "label": 1}, {"x": 2, "label": 1}], "holds only the class 1"),
        (
            [{"s": "a", "label": 1}, {"s": "b", "label": 0}],
            "'bad' has no numeric feature column besides 'label'",
        ),
        (
            [{"x": 1, "label": 1}, {"x": None, "label": 0}],
            "row 1 has no value for 'x'; clean the dataset first",
        ),
    ],
)
async def test_unusable_training_data_is_refused_with_the_reason(
    records: list[dict[str, object]], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        await TrainingService().train(DataSet.from_records(records, name="bad"), "label")


async def test_predicting_needs_a_known_model_and_every_feature() -> None:
    service = TrainingService()
    model = await service.train(toy(), "label")

    with pytest.raises(UnknownModel, match="no trained model 'label-v9'"):
        await service.predict("label-v9", [{"x1": 1.0, "x2": 1.0}])
    with pytest.raises(ValueError, match="record 1: feature 'x2' must be a number, got nothing"):
        await service.predict(model.model_id, [{"x1": 1.0, "x2": 1.0}, {"x1": 3.0}])
    with pytest.raises(ValueError, match="record 0: feature 'x1' must be a number, got 'a'"):
        await service.predict(model.model_id, [{"x1": "a", "x2": 1.0}])


async def test_discarding_is_idempotent() -> None:
    repository = InMemoryModelRepository()
    service = TrainingService(repository)
    model = await service.train(toy(), "label")

    await service.discard(model.model_id)
    await service.discard(model.model_id)
    await service.discard("never-trained")

    assert model.model_id not in repository
    with pytest.raises(UnknownModel):
        await service.describe(model.model_id)


async def test_model_trained_is_published_once_the_model_is_stored() -> None:
    bus = EventBus()
    service = TrainingService(event_bus=bus)
    received: list[tuple[str, int, float, list[int]]] = []

    async def use_it(event: ModelTrained) -> None:
        # A subscriber can already predict with the model it hears about.
        labels = await service.predict(event.model_id, [{"x1": 19.0, "x2": 0.0}])
        received.append((event.model_id, event.version, event.accuracy, labels))

    bus.subscribe(ModelTrained.topic, use_it)

    model = await service.train(toy(), "label")

    assert received == [("label-v1", 1, model.accuracy, [1])]


async def test_models_persist_in_json_files(tmp_path: Path) -> None:
    trainer = TrainingService(JsonFileModelRepository(tmp_path))
    model = await trainer.train(toy(), "label")

    later = TrainingService(JsonFileModelRepository(tmp_path))

    assert await later.describe(model.model_id) == model
    assert await later.predict(model.model_id, list(toy().records)) == [0] * 10 + [1] * 10
    await later.discard(model.model_id)
    await later.discard(model.model_id)
    assert (await later.train(toy(), "label")).version == 2
    assert files_in(tmp_path) == ["label-v2.json", "versions.json"]


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_the_sigmoid_does_not_overflow() -> None:
    assert sigmoid(1000.0) == 1.0
    assert sigmoid(-1000.0) == 0.0
    assert sigmoid(0.0) == 0.5
    assert math.isclose(sigmoid(2.0) + sigmoid(-2.0), 1.0)


def test_gradient_descent_refuses_nonsense_settings() -> None:
    with pytest.raises(ValueError, match="as many labels as rows"):
        fit_logistic([[1.0]], [0, 1])
    with pytest.raises(ValueError, match="epochs must be >= 1"):
        fit_logistic([[1.0]], [1], epochs=0)
