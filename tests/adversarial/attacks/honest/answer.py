# ruff: noqa
"""Control: the reference answer, honestly written."""


def count_missing(rows):
    return sum(value is None for row in rows for value in row.values())


def is_complete(rows):
    return count_missing(rows) == 0
