"""Helpers for test authors: comparisons a learner's objects cannot rig.

``assert result == expected`` asks ``result`` whether it equals ``expected``: an object
whose ``__eq__`` always returns True passes every such test (nbgrader #1379). These
helpers never call a method of the learner's objects:

* :func:`strict_equal` compares type and value, recursively through lists, tuples,
  dicts, sets, dataclasses and other objects (their attributes, read with
  ``object.__getattribute__``). Types must match exactly (a subclass of ``int`` is not
  an ``int``), and ``==`` is only ever applied to exact builtin or standard-library
  types. Compare against values the test builds itself from builtin types (or from
  the reference kernel's types): an expected object of a class the learner wrote is
  the learner's to rig, so for those compare ``plain(result)`` with a dict.
* :func:`difference` says where two values first differ (for a readable failure);
  :func:`assert_strict_equal` raises :class:`AssertionError` with it.
* :func:`plain` turns a result into plain data (dataclasses -> dicts, enums -> their
  values, tuples -> lists) and refuses anything it does not know, so that
  ``plain(result) == {...}`` compares builtin types only.

Usage::

    from grader.testing import assert_strict_equal, plain, strict_equal

    def test_counts() -> None:
        assert strict_equal(count_missing(rows), 3)
        assert_strict_equal(report(rows), Report(missing=3, rows=2))
        assert plain(report(rows)) == {"missing": 3, "rows": 2}
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import fractions
import math
import sys
import uuid
from collections.abc import Callable
from typing import Any

__all__ = ["assert_strict_equal", "difference", "plain", "strict_equal"]

_type: Callable[[object], type] = type
_getattribute = object.__getattribute__
_isinstance = isinstance
_len = len
_repr = repr
_object_eq: object = object.__eq__

SCALARS: frozenset[type] = frozenset({int, float, complex, str, bytes, bool, type(None)})
# Exact standard-library value types: their own __eq__ is trustworthy.
STDLIB_VALUES: frozenset[type] = frozenset(
    {
        decimal.Decimal,
        fractions.Fraction,
        datetime.date,
        datetime.datetime,
        datetime.time,
        datetime.timedelta,
        datetime.timezone,
        uuid.UUID,
        range,
        bytearray,
    }
)
MAX_DEPTH = 100


def strict_equal(actual: object, expected: object) -> bool:
    """True when ``actual`` has exactly ``expected``'s type and value, all the way down."""
    return difference(actual, expected) is None


def assert_strict_equal(actual: object, expected: object) -> None:
    """Raise :class:`AssertionError` saying where ``actual`` differs from ``expected``."""
    problem = difference(actual, expected)
    if problem is not None:
        raise AssertionError(problem)


def difference(actual: object, expected: object, where: str = "value") -> str | None:
    """Where ``actual`` first differs from ``expected`` (type or value), or None."""
    return _difference(actual, expected, where, 0, set())


def _name(kind: type) -> str:
    module = _getattribute(kind, "__module__")
    qualname = _getattribute(kind, "__qualname__")
    return qualname if module == "builtins" else f"{module}.{qualname}"


def _describe(value: object) -> str:
    kind = _type(value)
    if kind in SCALARS:
        text = _repr(value)
        return text if _len(text) <= 60 else text[:57] + "..."
    return f"a {_name(kind)}"


def _difference(
    actual: object, expected: object, where: str, depth: int, active: set[tuple[int, int]]
) -> str | None:
    kind = _type(expected)
    if _type(actual) is not kind:
        return f"{where}: expected {_name(kind)}, got {_name(_type(actual))}"
    if depth > MAX_DEPTH:
        return f"{where}: nested too deeply to compare"
    if kind in SCALARS:
        if kind is float and math.isnan(expected) and math.isnan(actual):  # type: ignore[arg-type]
            return None
        same = actual == expected  # both exactly the same builtin type
        return None if same else f"{where}: expected {_describe(expected)}, got {_describe(actual)}"
    if _isinstance(expected, enum.Enum):
        return None if actual is expected else f"{where}: expected {expected!s}, got {actual!s}"
    pair = (id(actual), id(expected))
    if pair in active:
        return None  # already being compared further up: a cycle
    active.add(pair)
    try:
        return _compound(actual, expected, kind, where, depth, active)
    finally:
        active.discard(pair)


def _compound(
    actual: Any, expected: Any, kind: type, where: str, depth: int, active: set[tuple[int, int]]
) -> str | None:
    deeper = depth + 1
    if kind in (list, tuple) or (_isinstance(expected, tuple) and hasattr(kind, "_fields")):
        actual, expected = (
            list(tuple.__iter__(actual) if kind is not list else actual),
            list(tuple.__iter__(expected) if kind is not list else expected),
        )
        if _len(actual) != _len(expected):
            return f"{where}: expected {_len(expected)} items, got {_len(actual)}"
        for index in range(_len(expected)):
            problem = _difference(
                actual[index], expected[index], f"{where}[{index}]", deeper, active
            )
            if problem:
                return problem
        return None
    if kind is dict:
        return _mapping(actual, expected, where, deeper, active)
    if kind in (set, frozenset):
        if _len(actual) != _len(expected):
            return f"{where}: expected {_len(expected)} members, got {_len(actual)}"
        unmatched = list(actual)
        for member in expected:
            match = next(
                (
                    i
                    for i, m in enumerate(unmatched)
                    if _difference(m, member, "", deeper, active) is None
                ),
                None,
            )
            if match is None:
                return f"{where}: {_describe(member)} is missing"
            unmatched.pop(match)
        return None
    if kind in STDLIB_VALUES or (
        _getattribute(kind, "__module__").split(".")[0] in sys.stdlib_module_names
        and _getattribute(kind, "__eq__") is not _object_eq
    ):
        same = actual == expected  # an exact standard-library type compares itself
        return None if same else f"{where}: expected {expected!r}, got {actual!r}"
    return _plain_object(actual, expected, where, deeper, active)


def _mapping(
    actual: Any, expected: Any, where: str, depth: int, active: set[tuple[int, int]]
) -> str | None:
    if _len(actual) != _len(expected):
        return f"{where}: expected {_len(expected)} keys, got {_len(actual)}"
    keys = list(dict.keys(actual))
    values = list(dict.values(actual))
    for key, value in dict.items(expected):
        index = next(
            (i for i, k in enumerate(keys) if _difference(k, key, "", depth, active) is None), None
        )
        if index is None:
            return f"{where}: key {_describe(key)} is missing"
        problem = _difference(values[index], value, f"{where}[{key!r}]", depth, active)
        if problem:
            return problem
        keys.pop(index)
        values.pop(index)
    return None


def _plain_object(
    actual: Any, expected: Any, where: str, depth: int, active: set[tuple[int, int]]
) -> str | None:
    """Objects of other classes: the same attributes with strictly equal values."""
    try:
        mine = _getattribute(actual, "__dict__")
        theirs = _getattribute(expected, "__dict__")
    except AttributeError:
        mine = theirs = None
    if mine is not None and theirs is not None:
        names, wanted = list(dict.keys(mine)), list(dict.keys(theirs))
        if any(_type(n) is not str for n in names + wanted):
            return f"{where}: attribute names that are not strings"
        for name in sorted(set(names) | set(wanted)):
            if name not in wanted or name not in names:
                return f"{where}.{name}: {'unexpected' if name in names else 'missing'}"
            problem = _difference(
                dict.__getitem__(mine, name),
                dict.__getitem__(theirs, name),
                f"{where}.{name}",
                depth,
                active,
            )
            if problem:
                return problem
    slots = [s for k in _type(expected).__mro__ for s in _slots(k)]
    for slot in slots:
        try:
            left, right = _getattribute(actual, slot), _getattribute(expected, slot)
        except AttributeError:
            return f"{where}.{slot}: not set on both"
        problem = _difference(left, right, f"{where}.{slot}", depth, active)
        if problem:
            return problem
    if mine is None and not slots:
        return (
            None if actual is expected else f"{where}: different {_name(_type(expected))} objects"
        )
    return None


def _slots(kind: type) -> list[str]:
    slots = vars(kind).get("__slots__", ())
    names = [slots] if _isinstance(slots, str) else list(slots)
    return [n for n in names if n not in ("__dict__", "__weakref__")]


def plain(value: object) -> Any:
    """``value`` as plain data: exact builtin types only, or :class:`TypeError`.

    Dataclasses become dicts of their fields, enums their values, tuples and lists
    lists, sets sorted lists, dicts dicts (with plain keys); ``None``, ``bool``, ``int``,
    ``float``, ``str`` and ``bytes`` stay as they are, and so do the exact standard-
    library value types (``Decimal``, ``Fraction``, dates and times, ``UUID``). Anything
    else, a subclass of ``int`` included, is refused.
    """
    return _plain(value, "value", 0, set())


def _plain(value: Any, where: str, depth: int, active: set[int]) -> Any:
    kind = _type(value)
    if kind in SCALARS or kind in STDLIB_VALUES - {range, bytearray}:
        return value
    if depth > MAX_DEPTH:
        raise TypeError(f"plain(): {where} is nested too deeply")
    if _isinstance(value, enum.Enum):
        return _plain(_getattribute(value, "_value_"), where, depth + 1, active)
    if id(value) in active:
        raise TypeError(f"plain(): {where} contains itself")
    active.add(id(value))
    try:
        if dataclasses.is_dataclass(value) and not _isinstance(value, type):
            return {
                item.name: _plain(
                    _getattribute(value, item.name), f"{where}.{item.name}", depth + 1, active
                )
                for item in dataclasses.fields(value)
            }
        if kind in (list, tuple) or (_isinstance(value, tuple) and hasattr(kind, "_fields")):
            items = list(tuple.__iter__(value) if _isinstance(value, tuple) else value)
            return [
                _plain(item, f"{where}[{index}]", depth + 1, active)
                for index, item in enumerate(items)
            ]
        if kind is dict:
            converted = {}
            for key, item in dict.items(value):
                plain_key = _plain(key, f"{where} key", depth + 1, active)
                if _type(plain_key) not in SCALARS:
                    raise TypeError(f"plain(): {where} has a key that is not plain: {key!r}")
                converted[plain_key] = _plain(item, f"{where}[{key!r}]", depth + 1, active)
            return converted
        if kind in (set, frozenset):
            members = [_plain(m, f"{where} member", depth + 1, active) for m in value]
            try:
                return sorted(members)
            except TypeError:
                raise TypeError(f"plain(): the members of {where} cannot be ordered") from None
    finally:
        active.discard(id(value))
    raise TypeError(f"plain(): {where} is {_describe(value)}, which is not plain data")
