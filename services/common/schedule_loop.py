"""A loop that waits for each due moment and runs what is due, until it is told to stop.

The exporter's scheduled exports and the journal's daily retention run share it. A failed run
is logged and the schedule goes on (the next run takes whatever is due by then). The next
moment counts from the one just due, not from the clock, so a timer that fires a little early
never runs one moment twice, and a run that ends after the next moment is not skipped.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from typing import TypeVar

import structlog

logger = structlog.get_logger()
T = TypeVar("T")


async def run_when_due(
    *,
    now: Callable[[], dt.datetime],
    next_due: Callable[[dt.datetime], tuple[dt.datetime, T]],
    run: Callable[[T], Awaitable[object]],
    stop: asyncio.Event,
    event: str,
) -> None:
    """Until `stop` is set: wait for `next_due(after)` (the moment and what is due then), run
    it; log `<event>_next` before each wait and `<event>_failed` for a failed run."""
    after = now()
    while not stop.is_set():
        due, what = next_due(after)
        wait = max((due - now()).total_seconds(), 0.0)
        logger.info(f"{event}_next", due=due.isoformat(), what=str(what))
        try:
            await asyncio.wait_for(stop.wait(), timeout=wait)
        except TimeoutError:
            pass
        else:
            return
        try:
            await run(what)
        except Exception:  # the schedule must outlive any single failure
            logger.exception(f"{event}_failed", due=due.isoformat())
        after = max(due, now())
