"""Cleaning: which rows of a dataset to keep.

Behaviour choices, stated once:

* A row is incomplete when any column of the dataset is missing from it or holds
  ``None``, ``""`` or NaN. Incomplete rows are dropped, not filled: guessing values
  belongs to feature engineering, with a person deciding how.
* A row is a duplicate when an earlier kept row has the same value in every column,
  with the same type (``1``, ``1.0`` and ``True`` differ). The first one stays.
* Dropped rows are named by their index in the original dataset.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from shared.interfaces.datasets import DataSet


def is_missing(value: Any) -> bool:
    """``None``, the empty string and NaN are missing."""
    if value is None:
        return True
    if isinstance(value, str):
        return value == ""
    return isinstance(value, float) and math.isnan(value)


@dataclass(frozen=True)
class CleaningPlan:
    """The outcome of cleaning, before anything is built from it."""

    kept: tuple[int, ...]
    incomplete: tuple[int, ...]
    duplicates: tuple[int, ...]


def plan_cleaning(dataset: DataSet) -> CleaningPlan:
    """Decide which rows stay, which are incomplete and which duplicate a kept one."""
    columns = dataset.columns
    kept: list[int] = []
    incomplete: list[int] = []
    duplicates: list[int] = []
    seen: list[tuple[Any, ...]] = []  # a list, not a set: cells may be unhashable
    for row, record in enumerate(dataset.records):
        cells = tuple(record.get(column) for column in columns)
        if any(is_missing(cell) for cell in cells):
            incomplete.append(row)
            continue
        signature = _typed(cells)
        if signature in seen:
            duplicates.append(row)
            continue
        seen.append(signature)
        kept.append(row)
    return CleaningPlan(tuple(kept), tuple(incomplete), tuple(duplicates))


def _typed(cells: Sequence[Any]) -> tuple[Any, ...]:
    # Pair each value with its type, so that 1 == 1.0 == True do not count as equal.
    return tuple((type(cell), cell) for cell in cells)
