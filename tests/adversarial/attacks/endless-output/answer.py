# ruff: noqa
"""Print forever while the tests import the answer."""

import sys

while True:
    sys.stdout.write("spam " * 2000 + "\n")


def count_missing(rows):
    raise NotImplementedError("count the missing values")


def is_complete(rows):
    raise NotImplementedError("use count_missing")
