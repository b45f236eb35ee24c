# ruff: noqa
"""Use ctypes to read and overwrite interpreter memory."""

import ctypes

_answer = ctypes.c_long(3)
ctypes.memmove(ctypes.addressof(_answer), ctypes.byref(ctypes.c_long(0)), 8)


def count_missing(rows):
    raise NotImplementedError("count the missing values")


def is_complete(rows):
    raise NotImplementedError("use count_missing")
