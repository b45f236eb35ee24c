"""Which cells of a dataset are anomalies: the scan over its numeric columns."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import Any

from data.anomaly_detection.domain.scores import iqr_scores, zscore_scores
from shared.interfaces.datasets import Anomaly, DataSet


class Method(StrEnum):
    ZSCORE = "zscore"
    IQR = "iqr"


SCORERS: dict[Method, Callable[[Sequence[float]], list[float]]] = {
    Method.ZSCORE: zscore_scores,
    Method.IQR: iqr_scores,
}


def is_number(value: Any) -> bool:
    """``int`` or ``float``, but not ``bool`` (a flag is not a measurement)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_absent(value: Any) -> bool:
    """Missing for scoring: ``None``, ``""`` or NaN."""
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def numeric_columns(dataset: DataSet) -> tuple[str, ...]:
    """Columns with at least one number and nothing but numbers besides missing values."""
    numeric = []
    for column in dataset.columns:
        present = [v for v in dataset.column(column) if not is_absent(v)]
        if present and all(is_number(v) for v in present):
            numeric.append(column)
    return tuple(numeric)


def find_anomalies(dataset: DataSet, method: Method, threshold: float) -> tuple[Anomaly, ...]:
    """Every cell of a numeric column whose score is above ``threshold``, by row then column.

    Missing values are skipped, and so are infinite ones: they cannot be scored.
    """
    found: list[tuple[int, int, Anomaly]] = []
    for position, column in enumerate(numeric_columns(dataset)):
        cells = [
            (row, number)
            for row, value in enumerate(dataset.column(column))
            if not is_absent(value) and (number := _finite(value)) is not None
        ]
        scores = SCORERS[method]([value for _, value in cells])
        for (row, value), score in zip(cells, scores, strict=True):
            if score > threshold:
                found.append((row, position, Anomaly(row, column, value, score)))
    return tuple(anomaly for _, _, anomaly in sorted(found, key=lambda item: item[:2]))


def _finite(value: float) -> float | None:
    """``value`` as a finite float, or ``None`` (infinite, or an int too big for a float)."""
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None
