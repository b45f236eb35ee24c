"""The data quality service: validates datasets, by schema when one is registered."""

from __future__ import annotations

from collections.abc import Mapping

from data.data_quality.domain.checks import find_issues
from data.data_quality.domain.schema import Schema
from shared.interfaces.datasets import DataSet, ValidationReport


class DatasetValidationService:
    """Implements the ``DatasetValidator`` port.

    A dataset is checked against the schema registered under its ``name``; a dataset
    with no schema is checked for missing values and mixed types only (see
    :mod:`data.data_quality.domain.checks`).
    """

    def __init__(self, schemas: Mapping[str, Schema] | None = None) -> None:
        self._schemas: dict[str, Schema] = dict(schemas or {})

    def register_schema(self, dataset_name: str, schema: Schema) -> None:
        """Check datasets named ``dataset_name`` against ``schema`` from now on."""
        if not isinstance(schema, Schema):
            raise TypeError(f"register_schema() takes a Schema, got {type(schema).__name__}")
        self._schemas[dataset_name] = schema

    def schema_for(self, dataset_name: str) -> Schema | None:
        return self._schemas.get(dataset_name)

    async def validate(self, dataset: DataSet) -> ValidationReport:
        issues = find_issues(dataset, self._schemas.get(dataset.name))
        return ValidationReport(dataset.name, tuple(issues), checked_rows=len(dataset))
