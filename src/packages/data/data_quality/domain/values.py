"""How the data quality domain reads one cell: missing or present, and of what kind."""

from __future__ import annotations

import math
from typing import Any


def is_missing(value: Any) -> bool:
    """``None``, the empty string and NaN are missing; every other value is present.

    A string of spaces counts as present: it may be deliberate, and only a schema
    (through ``allowed`` values) can say otherwise.
    """
    if value is None:
        return True
    if isinstance(value, str):
        return value == ""
    return isinstance(value, float) and math.isnan(value)


def kind_of(value: Any) -> str:
    """A value's kind in plain words: ``numeric``, ``boolean``, ``text`` or its type name.

    ``int`` and ``float`` are both ``numeric``; ``bool`` is not, although Python makes it
    an ``int``, because ``True`` in a column of amounts is a data error.
    """
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "numeric"
    if isinstance(value, str):
        return "text"
    return type(value).__name__


def describe(value: Any) -> str:
    """A value for a message: its kind, then its repr (``text 'abc'``)."""
    return f"{kind_of(value)} {value!r}"
