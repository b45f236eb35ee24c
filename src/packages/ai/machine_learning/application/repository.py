"""The model repository port, and the in-memory repository the service uses by default.

The in-memory one lives here, beside its port, rather than in ``adapters/``: the
service defaults to it, and the application layer may not import adapters (the
hexagon's direction). ``adapters/`` holds the persistent one.
"""

from __future__ import annotations

from typing import Protocol

from ai.machine_learning.domain.model import Classifier, UnknownModel


class ModelRepository(Protocol):
    def add(self, model: Classifier) -> None: ...

    def get(self, model_id: str) -> Classifier:
        """The model, or :class:`UnknownModel`."""
        ...

    def remove(self, model_id: str) -> None:
        """Forget the model; removing an unknown id does nothing."""
        ...

    def reserve_version(self, target: str) -> int:
        """The next version for ``target``: 1, 2, 3... never reused, even after removal."""
        ...


class InMemoryModelRepository:
    """Models in a dict; version counters that survive removals."""

    def __init__(self) -> None:
        self._models: dict[str, Classifier] = {}
        self._versions: dict[str, int] = {}

    def add(self, model: Classifier) -> None:
        self._models[model.model_id] = model

    def get(self, model_id: str) -> Classifier:
        try:
            return self._models[model_id]
        except KeyError:
            raise UnknownModel(model_id) from None

    def remove(self, model_id: str) -> None:
        self._models.pop(model_id, None)

    def reserve_version(self, target: str) -> int:
        self._versions[target] = self._versions.get(target, 0) + 1
        return self._versions[target]

    def __contains__(self, model_id: object) -> bool:
        return model_id in self._models

    def __len__(self) -> int:
        return len(self._models)
