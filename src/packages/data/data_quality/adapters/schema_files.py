"""Schemas written as JSON, the way they are kept beside the data they describe.

The format, one object per dataset name::

    {"customers": {"age": {"type": "integer", "min": 0, "max": 120},
                   "country": {"allowed": ["DE", "FR"], "required": false}}}

Keys of a column: ``type`` (integer, number, string, boolean), ``required`` (default
true), ``min``, ``max``, ``allowed``. An unknown key is an error, not ignored, so that a
typo (``"maximum"``) cannot silently switch a check off.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from data.data_quality.domain.schema import ColumnRule, ColumnType, Schema

_KEYS = frozenset({"type", "required", "min", "max", "allowed"})


def rule_from_dict(column: str, data: Mapping[str, Any]) -> ColumnRule:
    """One column's rule from its JSON object; a bad entry raises ``ValueError``."""
    if not isinstance(data, Mapping):
        raise ValueError(f"column {column!r}: expected an object, got {data!r}")
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise ValueError(
            f"column {column!r}: unknown key(s) {', '.join(unknown)}; "
            f"use {', '.join(sorted(_KEYS))}"
        )
    kind = data.get("type")
    if kind is not None and kind not in set(ColumnType):
        raise ValueError(f"column {column!r}: type {kind!r} is not one of {', '.join(ColumnType)}")
    try:
        return ColumnRule(
            type=ColumnType(kind) if kind is not None else None,
            required=bool(data.get("required", True)),
            minimum=data.get("min"),
            maximum=data.get("max"),
            allowed=data.get("allowed"),
        )
    except (TypeError, ValueError) as error:
        raise ValueError(f"column {column!r}: {error}") from None


def schema_from_dict(data: Mapping[str, Any]) -> Schema:
    """A :class:`Schema` from ``{column: {rule keys}}``."""
    if not isinstance(data, Mapping):
        raise ValueError(f"a schema is an object of columns, got {data!r}")
    return Schema({column: rule_from_dict(column, rule) for column, rule in data.items()})


def load_schemas(path: str | Path) -> dict[str, Schema]:
    """Every schema in a JSON file, by dataset name."""
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(document, dict):
        raise ValueError(f"{path}: expected an object of dataset names, got {document!r}")
    return {name: schema_from_dict(columns) for name, columns in document.items()}
