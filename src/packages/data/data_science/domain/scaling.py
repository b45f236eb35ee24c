"""Feature scaling: min-max to [0, 1]."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from data.data_science.domain.cleaning import is_missing
from shared.interfaces.datasets import DataSet


def is_number(value: Any) -> bool:
    """``int`` or ``float``, not ``bool``."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def numeric_columns(dataset: DataSet) -> tuple[str, ...]:
    """Columns whose present values are all numbers (and that have at least one)."""
    result = []
    for column in dataset.columns:
        present = [v for v in dataset.column(column) if not is_missing(v)]
        if present and all(is_number(v) for v in present):
            result.append(column)
    return tuple(result)


def min_max(values: Sequence[float | None]) -> list[float | None]:
    """Scale to [0, 1]: the minimum becomes 0.0 and the maximum 1.0.

    A constant column becomes all 0.0 (it carries no information to scale). Missing
    values stay ``None``: clean the dataset first if a model needs every cell.
    """
    present = [float(v) for v in values if v is not None and not is_missing(v)]
    if not present:
        return [None] * len(values)
    low, high = min(present), max(present)
    span = high - low
    scaled: list[float | None] = []
    for value in values:
        if value is None or is_missing(value):
            scaled.append(None)
        elif span == 0:
            scaled.append(0.0)
        else:
            # Clamp: (x - low) / span can land a rounding error outside [0, 1].
            scaled.append(min(1.0, max(0.0, (float(value) - low) / span)))
    return scaled
