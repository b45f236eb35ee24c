"""grader.testing: comparisons a learner's objects cannot rig."""

from __future__ import annotations

import enum
import math
from collections import OrderedDict, namedtuple
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from grader.testing import assert_strict_equal, difference, plain, strict_equal


class Anything:
    """The classic cheat (nbgrader #1379): equal to everything, different from nothing."""

    def __eq__(self, other: object) -> bool:
        return True

    def __ne__(self, other: object) -> bool:
        return False

    __hash__ = object.__hash__


class Liar(int):
    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = int.__hash__


class LyingList(list[int]):
    def __eq__(self, other: object) -> bool:
        return True

    def __len__(self) -> int:
        return 0


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


@dataclass
class Report:
    missing: int
    rows: list[int] = field(default_factory=list)


@dataclass
class RiggedReport:
    missing: int

    def __eq__(self, other: object) -> bool:
        return True


@dataclass(slots=True)
class Slotted:
    value: Any


class Plain:
    def __init__(self, value: Any) -> None:
        self.value = value


Point = namedtuple("Point", "x y")


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        (3, 3),
        ("a", "a"),
        (None, None),
        (True, True),
        (2.5, 2.5),
        (math.nan, math.nan),
        ([1, (2, "x")], [1, (2, "x")]),
        ({"a": [1, {"b": None}]}, {"a": [1, {"b": None}]}),
        ({1, 2, 3}, {3, 2, 1}),
        (frozenset({"a"}), frozenset({"a"})),
        (Report(3, [1, 2]), Report(3, [1, 2])),
        (Slotted([1]), Slotted([1])),
        (Plain({"k": 1}), Plain({"k": 1})),
        (Color.RED, Color.RED),
        (Decimal("1.50"), Decimal("1.5")),
        (date(2024, 1, 2), date(2024, 1, 2)),
        (Point(1, 2), Point(1, 2)),
        (OrderedDict(a=1), OrderedDict(a=1)),
    ],
)
def test_equal_values_of_the_same_type_are_strictly_equal(actual: Any, expected: Any) -> None:
    assert strict_equal(actual, expected)
    assert difference(actual, expected) is None
    assert_strict_equal(actual, expected)


@pytest.mark.parametrize(
    ("actual", "expected", "where"),
    [
        (Anything(), 3, "value: expected int, got tests.grader.test_testing_helpers.Anything"),
        (Liar(0), 3, "value: expected int, got tests.grader.test_testing_helpers.Liar"),
        (LyingList(), [1, 2], "value: expected list, got"),
        (True, 1, "value: expected int, got bool"),
        (1, 1.0, "value: expected float, got int"),
        ((1, 2), [1, 2], "value: expected list, got tuple"),
        ([1, Anything()], [1, 2], "value[1]: expected int, got"),
        ({"a": Anything()}, {"a": 1}, "value['a']: expected int"),
        ({Anything(): 1}, {"a": 1}, "value: key 'a' is missing"),
        ({Anything()}, {1}, "value: 1 is missing"),
        (Report(3, [Anything()]), Report(3, [1]), "value.rows[0]: expected int"),
        (RiggedReport(0), RiggedReport(3), "value.missing: expected 3, got 0"),
        (Slotted(Anything()), Slotted(1), "value.value: expected int"),
        (Plain(2), Plain(1), "value.value: expected 1, got 2"),
        (Color.BLUE, Color.RED, "value: expected Color.RED, got Color.BLUE"),
        ([1], [1, 2], "value: expected 2 items, got 1"),
        ({"a": 1}, {"a": 1, "b": 2}, "value: expected 2 keys, got 1"),
        (Point(1, 3), Point(1, 2), "value[1]: expected 2, got 3"),
        ("x" * 100, "y", "value: expected 'y', got 'xxxxxxx"),
    ],
)
def test_rigged_or_different_values_are_not(actual: Any, expected: Any, where: str) -> None:
    assert not strict_equal(actual, expected)
    problem = difference(actual, expected)
    assert problem is not None
    assert problem.startswith(where), problem
    with pytest.raises(AssertionError) as raised:
        assert_strict_equal(actual, expected)
    assert str(raised.value) == problem


def test_a_rigged_eq_on_either_side_is_never_called() -> None:
    calls: list[str] = []

    class Spy:
        def __eq__(self, other: object) -> bool:
            calls.append("eq")
            return True

        __hash__ = object.__hash__

    strict_equal(Spy(), 1)
    strict_equal([Spy()], [Spy()])
    strict_equal({"k": Spy()}, {"k": 2})
    assert calls == []


def test_cycles_do_not_recurse_forever() -> None:
    left: list[Any] = [1]
    left.append(left)
    right: list[Any] = [1]
    right.append(right)

    assert strict_equal(left, right)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (3, 3),
        ("s", "s"),
        (None, None),
        (b"x", b"x"),
        ((1, (2, 3)), [1, [2, 3]]),
        (Report(2, [1]), {"missing": 2, "rows": [1]}),
        (Color.BLUE, "blue"),
        ({"a": (Color.RED,)}, {"a": ["red"]}),
        ({3, 1, 2}, [1, 2, 3]),
        (Point(1, 2), [1, 2]),
        (Slotted({"k": Report(0)}), {"value": {"k": {"missing": 0, "rows": []}}}),
        (Decimal("2.5"), Decimal("2.5")),
    ],
)
def test_plain_turns_results_into_plain_data(value: Any, expected: Any) -> None:
    converted = plain(value)

    assert converted == expected
    assert strict_equal(converted, expected)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (Anything(), "value is a tests.grader.test_testing_helpers.Anything"),
        (Liar(3), "value is a tests.grader.test_testing_helpers.Liar"),
        ([1, Plain(1)], "value[1] is a tests.grader.test_testing_helpers.Plain"),
        (Report(1, [Anything()]), "value.rows[0] is a"),
        ({(1, 2): 3}, "value has a key that is not plain"),
        ({1, "a"}, "the members of value cannot be ordered"),
        (LyingList([1]), "value is a tests.grader.test_testing_helpers.LyingList"),
        (object(), "value is a object"),
    ],
)
def test_plain_refuses_what_it_does_not_know(value: Any, message: str) -> None:
    with pytest.raises(TypeError) as raised:
        plain(value)
    assert str(raised.value).startswith("plain(): " + message), raised.value


def test_plain_refuses_a_value_that_contains_itself() -> None:
    looped: list[Any] = []
    looped.append(looped)

    with pytest.raises(TypeError, match="contains itself"):
        plain(looped)
