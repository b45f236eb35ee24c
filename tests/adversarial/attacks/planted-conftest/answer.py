# ruff: noqa
"""A starter answer handed in with a conftest.py that marks every test as passed."""


def count_missing(rows):
    raise NotImplementedError("count the missing values")


def is_complete(rows):
    raise NotImplementedError("use count_missing")
