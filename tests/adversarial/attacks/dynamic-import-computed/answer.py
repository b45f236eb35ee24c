# ruff: noqa
"""Import another domain under a name computed at run time (no literal to scan)."""

_parts = ["ai", "".join(reversed("lm")), "model"]
_model = __import__(".".join(_parts), fromlist=["count_missing"])


def count_missing(rows):
    return _model.count_missing(rows)


def is_complete(rows):
    return count_missing(rows) == 0
