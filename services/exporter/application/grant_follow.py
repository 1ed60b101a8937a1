"""Running the grant sync while the service runs, so that access follows within a second or so.

Three loops, each woken early when there is news and otherwise polling every `interval`:

- the enrollment loop folds new ENROLLMENT events into the links and staff UIDs (woken at once
  by the service's subscription to the enrollment subjects);
- the journal loop folds new JOURNAL events into the export state (its class documents say
  who is in a class and who teaches it);
- the sync loop syncs every school year their batches marked due (the marks commit with the
  batches, so marks made by another process, an export run from the command line say, are
  found too); at start it marks every known school year due, once.

Both projections are drained under their locks rather than run continuously, as export runs
drain the export state: another process (a command-line run) may drain them too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import structlog

from services.exporter.application.grant_ports import DrainedProjection, GrantDeps
from services.exporter.application.grants import known_years, sync_due

logger = structlog.get_logger()


async def follow(
    deps: GrantDeps, wake: asyncio.Event, stop: asyncio.Event, interval: float = 0.5
) -> None:
    """Keep the grants in step until `stop` is set; `wake` says the enrollment stream grew."""
    due = asyncio.Event()
    startup = [True]

    async def fold_enrollment() -> None:
        await _fold(deps.enrollment, due)

    async def fold_journal() -> None:
        await _fold(deps.roster, due)

    async def sync() -> None:
        if startup[0]:
            await deps.book.mark_due(await known_years(deps))
            startup[0] = False
        await sync_due(deps)

    await asyncio.gather(
        _every("enrollment", fold_enrollment, interval, stop, wake),
        _every("journal", fold_journal, interval, stop, None),
        _every("sync", sync, interval, stop, due),
    )


async def _fold(projection: DrainedProjection, due: asyncio.Event) -> None:
    """Catch the projection up when its stream grew; its batches marked what is due."""
    if await projection.behind():
        await projection.catch_up()
        due.set()


async def _every(
    name: str,
    step: Callable[[], Awaitable[None]],
    interval: float,
    stop: asyncio.Event,
    wake: asyncio.Event | None,
) -> None:
    """Run `step` until `stop`: again when `wake` is set, or `interval` seconds after the last."""
    while not stop.is_set():
        if wake is not None:
            wake.clear()  # before the step: news during it runs the step again
        try:
            await step()
        except Exception:  # the loop must outlive any failure; the next round retries
            logger.exception("grants.follow_failed", loop=name)
            await _first(stop, None, interval)
            continue
        await _first(stop, wake, interval)


async def _first(stop: asyncio.Event, wake: asyncio.Event | None, timeout: float) -> None:  # noqa: ASYNC109
    """Wait until `stop` or `wake` is set, at most `timeout` seconds."""
    waiters = [asyncio.ensure_future(stop.wait())]
    if wake is not None:
        waiters.append(asyncio.ensure_future(wake.wait()))
    try:
        await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
