"""Rules for rows of data. Exercise: implement both functions."""

from shared.ports import Row


def count_missing(rows: list[Row]) -> int:
    """How many values are None across all rows."""
    raise NotImplementedError("count the missing values")


def is_complete(rows: list[Row]) -> bool:
    """True when no value is missing."""
    raise NotImplementedError("use count_missing")
