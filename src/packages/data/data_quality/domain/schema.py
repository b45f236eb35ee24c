"""A schema: the rules each column of a named dataset must follow."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any


class ColumnType(StrEnum):
    """The value types a schema can ask for."""

    INTEGER = "integer"
    NUMBER = "number"
    STRING = "string"
    BOOLEAN = "boolean"

    def accepts(self, value: Any) -> bool:
        """Whether ``value`` has this type; ``bool`` is never a number here."""
        if isinstance(value, bool):
            return self is ColumnType.BOOLEAN
        if self is ColumnType.INTEGER:
            return isinstance(value, int)
        if self is ColumnType.NUMBER:
            return isinstance(value, int | float)
        if self is ColumnType.STRING:
            return isinstance(value, str)
        return False

    @property
    def noun(self) -> str:
        """The type as it reads in a sentence: ``an integer``, ``text``..."""
        return {
            ColumnType.INTEGER: "an integer",
            ColumnType.NUMBER: "a number",
            ColumnType.STRING: "text",
            ColumnType.BOOLEAN: "a boolean",
        }[self]


@dataclass(frozen=True)
class ColumnRule:
    """What one column must hold. Every part is optional.

    ``required``: the column must exist and no cell may be missing. ``minimum`` and
    ``maximum`` are inclusive and imply a number. ``allowed`` lists the only values
    accepted (any iterable; kept as a tuple, so unhashable values work too).
    """

    type: ColumnType | None = None
    required: bool = True
    minimum: float | None = None
    maximum: float | None = None
    allowed: tuple[Any, ...] | None = None

    def __post_init__(self) -> None:
        if self.type is not None and not isinstance(self.type, ColumnType):
            raise TypeError(f"type must be a ColumnType or None, got {self.type!r}")
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError(f"minimum {self.minimum!r} is above maximum {self.maximum!r}")
        if self.allowed is not None:
            if isinstance(self.allowed, str | bytes) or not isinstance(self.allowed, Iterable):
                raise TypeError("allowed must be a collection of values, not one value")
            object.__setattr__(self, "allowed", tuple(self.allowed))
            if not self.allowed:
                raise ValueError("allowed, when given, must list at least one value")

    @property
    def has_range(self) -> bool:
        return self.minimum is not None or self.maximum is not None


@dataclass(frozen=True)
class Schema:
    """Column name -> :class:`ColumnRule`. Columns the schema does not name are errors."""

    columns: Mapping[str, ColumnRule]

    def __post_init__(self) -> None:
        columns = dict(self.columns)
        for name, rule in columns.items():
            if not name or not isinstance(name, str):
                raise ValueError(f"column names must be non-empty strings, got {name!r}")
            if not isinstance(rule, ColumnRule):
                raise TypeError(f"the rule for {name!r} must be a ColumnRule, got {rule!r}")
        # A read-only view: a schema shared by several services must not change under them.
        object.__setattr__(self, "columns", MappingProxyType(columns))

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(name for name, rule in self.columns.items() if rule.required)
