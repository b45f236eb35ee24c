"""What a dataset must hold to train a binary classifier, and its numbers pulled out.

* Features are the numeric columns other than the target: every present value an
  ``int`` or ``float`` (``bool`` is not a feature: a flag is not a measurement).
* The target holds 0/1 (``int`` or ``float``) or ``True``/``False``, and both classes.
* Every row needs every feature and the target: clean the dataset first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, TypeGuard

from shared.interfaces.datasets import DataSet


def is_number(value: Any) -> TypeGuard[int | float]:
    """``int`` or ``float``, not ``bool``."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_missing(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def as_label(value: Any) -> int | None:
    """0 or 1 for a binary target value; ``None`` when it is not one."""
    if isinstance(value, bool):
        return int(value)
    if is_number(value) and value in (0, 1):
        return int(value)
    return None


@dataclass(frozen=True)
class TrainingData:
    features: tuple[str, ...]
    rows: tuple[tuple[float, ...], ...]
    labels: tuple[int, ...]


def feature_columns(dataset: DataSet, target: str) -> tuple[str, ...]:
    """The numeric columns of ``dataset`` other than ``target``."""
    features = []
    for column in dataset.columns:
        present = [v for v in dataset.column(column) if not _is_missing(v)]
        if column != target and present and all(is_number(v) for v in present):
            features.append(column)
    return tuple(features)


def training_data(dataset: DataSet, target: str) -> TrainingData:
    """Features, rows and labels; a ``ValueError`` says what is wrong and where."""
    if not len(dataset):
        raise ValueError(f"cannot train on {dataset.name!r}: it has no rows")
    if target not in dataset.columns:
        raise ValueError(
            f"target {target!r} is not a column of {dataset.name!r}; "
            f"columns: {', '.join(dataset.columns)}"
        )
    features = feature_columns(dataset, target)
    if not features:
        raise ValueError(f"{dataset.name!r} has no numeric feature column besides {target!r}")
    rows, labels = [], []
    for index, record in enumerate(dataset.records):
        label = as_label(record.get(target))
        if label is None:
            raise ValueError(
                f"target {target!r} must be binary (0/1 or True/False); "
                f"row {index} holds {record.get(target)!r}"
            )
        missing = [f for f in features if _is_missing(record.get(f))]
        if missing:
            raise ValueError(
                f"row {index} has no value for {', '.join(map(repr, missing))}; "
                "clean the dataset first"
            )
        rows.append(tuple(float(record[f]) for f in features))
        labels.append(label)
    if len(set(labels)) < 2:
        raise ValueError(
            f"target {target!r} holds only the class {labels[0]}; a binary classifier "
            "needs examples of both 0 and 1"
        )
    return TrainingData(features, tuple(rows), tuple(labels))
