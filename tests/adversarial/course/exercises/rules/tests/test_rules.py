"""Public tests, written so that a rigged __eq__ cannot pass them."""

import pytest

from data.quality.rules import count_missing, is_complete
from grader.testing import strict_equal


@pytest.mark.points(2)
def test_counts_missing_values() -> None:
    """Counts every None"""
    assert strict_equal(count_missing([{"a": None, "b": 1}, {"a": None, "b": None}]), 3)


def test_no_rows_no_missing() -> None:
    assert strict_equal(count_missing([]), 0)


@pytest.mark.parametrize(("rows", "expected"), [([{"a": 1}], True), ([{"a": None}], False)])
def test_complete(rows: list[dict[str, object]], expected: bool) -> None:
    """Tells complete data from incomplete"""
    assert strict_equal(is_complete(rows), expected)
