"""Calling code that may be sync or async, with an optional timeout."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import Any


class DeadlineExceeded(TimeoutError):
    """Our own timeout ran out (a ``TimeoutError`` raised by the callee is not this)."""


async def invoke(
    function: Callable[..., Awaitable[Any] | Any], *args: Any, timeout: float | None = None
) -> Any:
    """Call ``function(*args)``; await the result if it is awaitable, within ``timeout``.

    A sync function runs to completion on the event loop: only awaiting can be timed
    out. Raises :class:`DeadlineExceeded` when ``timeout`` runs out.
    """
    result = function(*args)
    if not inspect.isawaitable(result):
        return result
    deadline = asyncio.timeout(timeout)
    try:
        async with deadline:
            return await result
    except TimeoutError as error:
        if deadline.expired():
            raise DeadlineExceeded(f"no answer within {timeout:g} s") from error
        raise
