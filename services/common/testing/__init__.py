"""Test helpers shared by every service's tests (fixtures live in `.fixtures`, loaded with -p)."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import TypeVar

__all__ = ["eventually"]

T = TypeVar("T")


async def eventually(
    assertion: Callable[[], Awaitable[T] | T],
    timeout: float = 5.0,  # noqa: ASYNC109 - a deadline for many awaits, not one
    interval: float = 0.05,
) -> T:
    """Call (and await) `assertion` until it stops raising AssertionError; return its result.

    At the deadline the last AssertionError is raised again, so the test fails with the message
    of the check that never came true. Other exceptions propagate at once.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            result = assertion()
            if inspect.isawaitable(result):
                return await result
            return result
        except AssertionError:
            if loop.time() >= deadline:
                raise
        await asyncio.sleep(interval)
