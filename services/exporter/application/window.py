"""A bounded window of concurrent awaited operations (publishes waiting for their acks)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any


class Window:
    """Keeps at most `size` operations in flight; the first failure is raised to the caller.

    Publishing records one by one, each waiting for its ack, is bound by round trips; a window
    keeps the connection busy while memory stays bounded by `size`.
    """

    def __init__(self, size: int) -> None:
        if size < 1:
            msg = f"window size must be at least 1, not {size}"
            raise ValueError(msg)
        self._size = size
        self._pending: set[asyncio.Task[Any]] = set()

    async def submit(self, operation: Coroutine[Any, Any, Any]) -> None:
        """Start `operation`, first waiting while the window is full."""
        try:
            while len(self._pending) >= self._size:
                await self._settle(asyncio.FIRST_COMPLETED)
        except BaseException:
            operation.close()  # never started: close it rather than leave it un-awaited
            raise
        self._pending.add(asyncio.ensure_future(operation))

    async def drain(self) -> None:
        """Wait for every operation in flight."""
        while self._pending:
            await self._settle(asyncio.ALL_COMPLETED)

    async def cancel(self) -> None:
        """Cancel what is in flight and wait until it is gone (after a failure)."""
        for task in self._pending:
            task.cancel()
        if self._pending:
            await asyncio.wait(self._pending)
        self._pending.clear()

    async def _settle(self, when: str) -> None:
        done, self._pending = await asyncio.wait(self._pending, return_when=when)
        errors = [task.exception() for task in done if not task.cancelled()]
        failed = next((e for e in errors if e is not None), None)
        if failed is not None:
            raise failed
