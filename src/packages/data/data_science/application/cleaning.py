"""The data science service: cleans datasets and prepares model features."""

from __future__ import annotations

from data.data_science.domain.cleaning import plan_cleaning
from data.data_science.domain.scaling import min_max, numeric_columns
from shared.interfaces.datasets import CleaningReport, DataSet


class DataCleaningService:
    """Implements the ``DataCleaner`` port; see :mod:`data.data_science.domain.cleaning`."""

    async def clean(self, dataset: DataSet) -> tuple[DataSet, CleaningReport]:
        """Drop incomplete and duplicate rows; the cleaned dataset keeps the name."""
        plan = plan_cleaning(dataset)
        cleaned = dataset.with_records(dataset.records[row] for row in plan.kept)
        notes = [
            f"dropped {len(rows)} {why} row(s): {', '.join(map(str, rows))}"
            for why, rows in (("incomplete", plan.incomplete), ("duplicate", plan.duplicates))
            if rows
        ] or ["nothing to drop"]
        report = CleaningReport(
            dataset.name,
            rows_before=len(dataset),
            rows_after=len(cleaned),
            dropped_rows=tuple(sorted(plan.incomplete + plan.duplicates)),
            notes=tuple(notes),
        )
        return cleaned, report

    async def prepare_features(self, dataset: DataSet, target: str) -> DataSet:
        """Min-max scale every numeric column except ``target`` to [0, 1].

        Other columns, the target included, are left as they are.
        """
        if target not in dataset.columns:
            raise ValueError(
                f"target {target!r} is not a column of {dataset.name!r}; "
                f"columns: {', '.join(dataset.columns) or 'none'}"
            )
        scaled = {
            column: min_max(dataset.column(column))
            for column in numeric_columns(dataset)
            if column != target
        }
        records = []
        for row, record in enumerate(dataset.records):
            updated = dict(record)
            for column, values in scaled.items():
                if column in record:  # do not invent a cell the record never had
                    updated[column] = values[row]
            records.append(updated)
        return dataset.with_records(records)
