# ruff: noqa
"""Import another domain through importlib's private machinery, name computed."""

import importlib

_bootstrap = getattr(importlib, "_boot" + "strap")
_model = _bootstrap._gcd_import("ai." + "ml" + ".model"[::1])


def count_missing(rows):
    return _model.count_missing(rows)


def is_complete(rows):
    return count_missing(rows) == 0
