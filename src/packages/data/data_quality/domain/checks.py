"""The checks: from a dataset (and maybe a schema) to a list of validation issues.

Behaviour choices, stated once:

* Issue kinds: ``missing`` (an empty cell), ``type`` (a value of the wrong type),
  ``range`` (outside ``minimum``/``maximum`` or not among the ``allowed`` values),
  ``schema`` (a required column absent, or a column the schema does not know).
* A cell gets at most one issue, the first problem found, in that order: one root
  cause, one message.
* Order: schema issues first (by column), then cell issues by row, then by column.
* A required column that is absent altogether is one ``schema`` issue, not one
  ``missing`` issue per row.
* Without a schema, a column's expected kind is its most common one among present
  values (ties go to the kind seen first); each value of another kind is a ``type``
  issue. ``int`` and ``float`` are the same kind, ``numeric``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from data.data_quality.domain.schema import ColumnRule, Schema
from data.data_quality.domain.values import describe, is_missing, kind_of
from shared.interfaces.datasets import DataSet, ValidationIssue


def find_issues(dataset: DataSet, schema: Schema | None = None) -> list[ValidationIssue]:
    """Every issue in ``dataset``, against ``schema`` when given; see the module docstring."""
    if schema is None:
        return consistency_issues(dataset)
    return schema_issues(dataset, schema)


def consistency_issues(dataset: DataSet) -> list[ValidationIssue]:
    """Missing cells, and values whose kind differs from the rest of their column."""
    columns = dataset.columns
    expected = {column: _usual_kind(dataset.column(column)) for column in columns}
    issues = []
    for row, record in enumerate(dataset.records):
        for column in columns:
            value = record.get(column)
            if is_missing(value):
                issues.append(_missing(column, row))
            elif kind_of(value) != expected[column]:
                issues.append(
                    ValidationIssue(
                        "type",
                        column,
                        row,
                        f"row {row}: {column!r} holds {describe(value)}, "
                        f"but the column is {expected[column]}",
                    )
                )
    return issues


def schema_issues(dataset: DataSet, schema: Schema) -> list[ValidationIssue]:
    """Absent or unknown columns, then every cell of the schema's columns checked by rule."""
    present = set(dataset.columns)
    issues = [
        ValidationIssue(
            "schema", name, None, f"column {name!r} is required by the schema but absent"
        )
        for name in schema.required_columns
        if name not in present
    ]
    issues += [
        ValidationIssue(
            "schema", name, None, f"column {name!r} is not in the schema for {dataset.name!r}"
        )
        for name in dataset.columns
        if name not in schema.columns
    ]
    checked = [name for name in schema.columns if name in present]
    for row, record in enumerate(dataset.records):
        for name in checked:
            issue = check_cell(name, row, record.get(name), schema.columns[name])
            if issue is not None:
                issues.append(issue)
    return issues


def check_cell(column: str, row: int, value: Any, rule: ColumnRule) -> ValidationIssue | None:
    """The first problem with one cell under ``rule``, or ``None`` if it is fine."""
    where = f"row {row}: {column!r}"
    if is_missing(value):
        return _missing(column, row) if rule.required else None
    if rule.type is not None and not rule.type.accepts(value):
        return ValidationIssue(
            "type", column, row, f"{where} should be {rule.type.noun} but is {describe(value)}"
        )
    if rule.has_range:
        if kind_of(value) != "numeric":
            return ValidationIssue(
                "type",
                column,
                row,
                f"{where} should be a number (the schema gives a range) but is {describe(value)}",
            )
        if rule.minimum is not None and value < rule.minimum:
            return ValidationIssue(
                "range", column, row, f"{where} is {value!r}, below the minimum {rule.minimum!r}"
            )
        if rule.maximum is not None and value > rule.maximum:
            return ValidationIssue(
                "range", column, row, f"{where} is {value!r}, above the maximum {rule.maximum!r}"
            )
    if rule.allowed is not None and value not in rule.allowed:
        choices = ", ".join(repr(v) for v in rule.allowed)
        return ValidationIssue("range", column, row, f"{where} is {value!r}, not one of {choices}")
    return None


def _missing(column: str, row: int) -> ValidationIssue:
    return ValidationIssue("missing", column, row, f"row {row}: {column!r} is missing")


def _usual_kind(values: list[Any]) -> str | None:
    # Counter.most_common keeps first-seen order among equal counts: ties go to the first.
    kinds = Counter(kind_of(v) for v in values if not is_missing(v))
    return kinds.most_common(1)[0][0] if kinds else None
