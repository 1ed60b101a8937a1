"""Running a service's consumers without its HTTP API until the process is told to stop."""

from __future__ import annotations

import asyncio
import signal
from contextlib import AbstractAsyncContextManager


async def run_until_signalled(resources: AbstractAsyncContextManager[object]) -> None:
    """Enter `resources` (a service's runtime, whose consumers start on entry) and stay until
    SIGTERM or SIGINT; leaving it stops the consumers after the batch in hand."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with resources:
        await stop.wait()
