# ruff: noqa
"""Control: an honest answer with one bug (zero counted as missing)."""


def count_missing(rows):
    return sum(not value for row in rows for value in row.values())


def is_complete(rows):
    return count_missing(rows) == 0
