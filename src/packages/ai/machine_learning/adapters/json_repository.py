"""Trained models kept as JSON files in a directory, so they outlive the process.

One ``<model id>.json`` per model (the id percent-encoded into a safe file name), and
``versions.json`` with the last version handed out per target, so that versions are
never reused, even after a model is removed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ai.machine_learning.domain.logistic import LogisticRegression, Standardizer
from ai.machine_learning.domain.model import Classifier, UnknownModel


def to_dict(model: Classifier) -> dict[str, Any]:
    return {
        "model_id": model.model_id,
        "version": model.version,
        "target": model.target,
        "features": list(model.features),
        "means": list(model.scaler.means),
        "scales": list(model.scaler.scales),
        "weights": list(model.regression.weights),
        "bias": model.regression.bias,
        "metrics": dict(model.metrics),
    }


def from_dict(data: dict[str, Any]) -> Classifier:
    return Classifier(
        data["model_id"],
        int(data["version"]),
        data["target"],
        tuple(data["features"]),
        Standardizer(tuple(data["means"]), tuple(data["scales"])),
        LogisticRegression(tuple(data["weights"]), float(data["bias"])),
        dict(data["metrics"]),
    )


class JsonFileModelRepository:
    """The ``ModelRepository`` port over a directory (created if needed)."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    def _path(self, model_id: str) -> Path:
        return self.directory / f"{quote(model_id, safe='')}.json"

    def add(self, model: Classifier) -> None:
        self._path(model.model_id).write_text(json.dumps(to_dict(model)), encoding="utf-8")

    def get(self, model_id: str) -> Classifier:
        path = self._path(model_id)
        if not path.is_file():
            raise UnknownModel(model_id)
        return from_dict(json.loads(path.read_text(encoding="utf-8")))

    def remove(self, model_id: str) -> None:
        self._path(model_id).unlink(missing_ok=True)

    def reserve_version(self, target: str) -> int:
        counters_path = self.directory / "versions.json"
        counters: dict[str, int] = (
            json.loads(counters_path.read_text(encoding="utf-8")) if counters_path.exists() else {}
        )
        counters[target] = counters.get(target, 0) + 1
        counters_path.write_text(json.dumps(counters), encoding="utf-8")
        return counters[target]
