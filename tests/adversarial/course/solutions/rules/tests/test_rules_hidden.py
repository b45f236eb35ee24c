"""Hidden tests. ADVERSARIAL-HIDDEN-SECRET: this text must never reach a learner."""

import asyncio
import time

from data.quality.rules import count_missing
from grader.testing import strict_equal


def test_zero_is_not_missing() -> None:
    """Zero and empty strings are values"""
    assert strict_equal(count_missing([{"a": 0, "b": ""}]), 0), "ADVERSARIAL-HIDDEN-SECRET"


def test_many_rows() -> None:
    """Large inputs"""
    assert strict_equal(count_missing([{"a": None}] * 1000), 1000)


async def test_counts_in_an_event_loop() -> None:
    """Works when called from a coroutine"""
    await asyncio.sleep(0)
    assert strict_equal(count_missing([{"a": None, "b": 2}]), 1)


def test_counts_a_large_table_quickly() -> None:
    """Counts a large table within half a second"""
    started = time.monotonic()
    counted = count_missing([{"a": None, "b": 1}] * 20_000)
    assert time.monotonic() - started < 0.5
    assert strict_equal(counted, 20_000)
