# ruff: noqa
"""A right answer that also redefines the kernel's is_missing at import."""

import shared.ports as ports

ports.is_missing = lambda value: True


def count_missing(rows):
    return sum(value is None for row in rows for value in row.values())


def is_complete(rows):
    return count_missing(rows) == 0
