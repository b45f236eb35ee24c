# ruff: noqa
"""Threads that outlive the tests: one spins (daemon), one keeps the process alive."""

import threading
import time


def _spin():
    while True:
        time.sleep(0.01)


def _linger():
    time.sleep(3600)


threading.Thread(target=_spin, daemon=True).start()
threading.Thread(target=_linger).start()


def count_missing(rows):
    return sum(value is None for row in rows for value in row.values())


def is_complete(rows):
    return count_missing(rows) == 0
