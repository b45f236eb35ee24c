"""Rules for rows of data. ADVERSARIAL-REFERENCE-SECRET: the instructor's answer."""

from shared.ports import Row


def count_missing(rows: list[Row]) -> int:
    """How many values are None across all rows."""
    return sum(value is None for row in rows for value in row.values())


def is_complete(rows: list[Row]) -> bool:
    """True when no value is missing."""
    return count_missing(rows) == 0
