"""Calling code that may be sync or async, with an optional timeout."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import Any


async def invoke(
    function: Callable[..., Awaitable[Any] | Any], *args: Any, timeout: float | None = None
) -> Any:
    """Call ``function(*args)``; await the result if it is awaitable, within ``timeout``.

    A sync function runs to completion on the event loop: only awaiting can be timed out.
    """
    result = function(*args)
    if inspect.isawaitable(result):
        return await asyncio.wait_for(_awaited(result), timeout)
    return result


async def _awaited(awaitable: Awaitable[Any]) -> Any:
    return await awaitable
