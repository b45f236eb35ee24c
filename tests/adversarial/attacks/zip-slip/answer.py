# ruff: noqa
"""A starter answer inside a zip that tries to write outside the submission."""


def count_missing(rows):
    raise NotImplementedError("count the missing values")


def is_complete(rows):
    raise NotImplementedError("use count_missing")
