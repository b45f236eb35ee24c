"""Tabular data as it crosses domain boundaries, and what domains say about it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

Record = Mapping[str, Any]


@dataclass(frozen=True)
class DataSet:
    """A named, immutable table: a tuple of records (column name -> value).

    Records are copied on the way in, so no domain can change another's data in place.
    """

    name: str
    records: tuple[dict[str, Any], ...] = ()

    @classmethod
    def from_records(cls, records: Iterable[Record], name: str = "dataset") -> DataSet:
        rows = []
        for index, record in enumerate(records):
            if not isinstance(record, Mapping):
                raise TypeError(
                    f"record {index} of {name!r} is a {type(record).__name__}, not a mapping"
                )
            rows.append(dict(record))
        return cls(name, tuple(rows))

    @property
    def columns(self) -> tuple[str, ...]:
        """Column names in order of first appearance."""
        seen: dict[str, None] = {}
        for record in self.records:
            seen.update(dict.fromkeys(record))
        return tuple(seen)

    def column(self, name: str) -> list[Any]:
        """The values of one column (``None`` where a record lacks it)."""
        return [record.get(name) for record in self.records]

    def with_records(self, records: Iterable[Record], name: str | None = None) -> DataSet:
        """A new dataset with other records and, optionally, another name."""
        return DataSet.from_records(records, name or self.name)

    def __len__(self) -> int:
        return len(self.records)


@dataclass(frozen=True)
class ValidationIssue:
    """One problem found in a dataset: what kind, where, and in plain words."""

    kind: str  # "missing", "type", "range", "schema"
    column: str | None
    row: int | None
    message: str


@dataclass(frozen=True)
class ValidationReport:
    dataset_name: str
    issues: tuple[ValidationIssue, ...] = ()
    checked_rows: int = 0

    @property
    def is_valid(self) -> bool:
        return not self.issues

    def summary(self) -> str:
        if self.is_valid:
            return f"{self.dataset_name}: {self.checked_rows} rows valid"
        return f"{self.dataset_name}: {len(self.issues)} issue(s) in {self.checked_rows} rows"


@dataclass(frozen=True)
class Anomaly:
    row: int
    column: str
    value: float
    score: float


@dataclass(frozen=True)
class AnomalyResult:
    dataset_name: str
    method: str
    threshold: float
    anomalies: tuple[Anomaly, ...] = ()

    @property
    def has_anomalies(self) -> bool:
        return bool(self.anomalies)

    @property
    def anomalous_rows(self) -> tuple[int, ...]:
        return tuple(sorted({a.row for a in self.anomalies}))


@dataclass(frozen=True)
class CleaningReport:
    """What a cleaning pass did to a dataset."""

    dataset_name: str
    rows_before: int
    rows_after: int
    dropped_rows: tuple[int, ...] = ()
    filled_values: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)
