"""Test helpers shared by every service's tests (fixtures live in `.fixtures`, loaded with -p)."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar, overload

if TYPE_CHECKING:
    from nats.js import JetStreamContext

__all__ = ["eventually", "outlive_duplicate_window", "shorten_duplicate_window"]

T = TypeVar("T")
SHORT_DUPLICATE_WINDOW = 1.0
"""Seconds: the duplicate window of a stream a test shortens."""


@overload
async def eventually(
    assertion: Callable[[], Awaitable[T]],
    timeout: float = ...,  # noqa: ASYNC109
    interval: float = ...,
) -> T: ...


@overload
async def eventually(
    assertion: Callable[[], T],
    timeout: float = ...,  # noqa: ASYNC109
    interval: float = ...,
) -> T: ...


# The overloads let mypy see through a coroutine function: with `Awaitable[T] | T` alone it
# cannot choose T for `async def check() -> None` and rejects the call.
async def eventually(
    assertion: Callable[[], Awaitable[T] | T],
    timeout: float = 5.0,  # noqa: ASYNC109 - a deadline for many awaits, not one
    interval: float = 0.05,
) -> T:
    """Call (and await) `assertion` until it stops raising AssertionError (or LookupError: a
    check that indexes an answer not complete yet, `rows[0]`, `body["marks"]`); return its
    result.

    At the deadline the last of those errors is raised again, so the test fails with the message
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
        except (AssertionError, LookupError):
            if loop.time() >= deadline:
                raise
        await asyncio.sleep(interval)


async def shorten_duplicate_window(
    js: JetStreamContext, stream: str, window: float = SHORT_DUPLICATE_WINDOW
) -> None:
    """Make the stream forget message ids after `window` seconds (10 minutes in production),
    so that a test can send a retry JetStream's own deduplication no longer catches."""
    config = (await js.stream_info(stream)).config
    config.duplicate_window = window
    await js.update_stream(config)


async def outlive_duplicate_window(window: float = SHORT_DUPLICATE_WINDOW) -> None:
    """Wait until a shortened duplicate window has passed for every id stored before.

    Only time passing makes JetStream forget, so this is a sleep: there is nothing to poll. The
    extra second covers the server's purge timer.
    """
    await asyncio.sleep(window + 1.0)
