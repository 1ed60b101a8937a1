"""The exporter's loops that run in the background while the service serves: the export
schedule, the grant sync and the full exports after a rollover, each started and stopped with
the service (`services.exporter.bootstrap.build`)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Coroutine
from typing import Any

from nats.aio.client import Client

from services.common.broker import ServiceBroker
from services.exporter.adapters.enrollment_notices import declare_enrollment_notices
from services.exporter.adapters.export_state import PgExportState
from services.exporter.adapters.rollovers_pg import PgRollovers
from services.exporter.application.grant_follow import follow
from services.exporter.application.grant_ports import GrantDeps
from services.exporter.application.ports import Deps
from services.exporter.application.rollover_exports import follow_rollovers
from services.exporter.application.scheduler import Retry, run_schedule
from services.exporter.domain.schedule import Schedule, parse_time
from services.exporter.settings import Settings

STOP_GRACE_SECONDS = 10.0
"""How long the grant sync may take to finish the step in hand when the service stops."""


def schedule_of(settings: Settings) -> Schedule:
    """The export schedule the settings describe."""
    return Schedule(
        daily_at=parse_time(settings.daily_at),
        monthly_day=settings.monthly_day,
        monthly_at=parse_time(settings.monthly_at),
        timezone=settings.timezone,
    )


@contextlib.asynccontextmanager
async def scheduled(settings: Settings, deps: Deps) -> AsyncIterator[bool]:
    """The export schedule in the background (when enabled); yields whether it runs."""
    if not settings.schedule_enabled:
        yield False
        return
    stop = asyncio.Event()
    retry = Retry(settings.retry_attempts, settings.retry_delay_seconds)
    # No grace: a run in progress stops; its record says 'running' until the next.
    async with _in_background(run_schedule(deps, schedule_of(settings), retry, stop), stop):
        yield True


@contextlib.asynccontextmanager
async def grant_sync(settings: Settings, nc: Client, grants: GrantDeps) -> AsyncIterator[bool]:
    """The grant sync's loops in the background (when enabled); yields whether they run."""
    if not settings.grants_follow:
        yield False
        return
    stop, wake = asyncio.Event(), asyncio.Event()
    broker = ServiceBroker(nc)
    declare_enrollment_notices(broker, wake)
    await broker.start()
    following = follow(grants, wake, stop, settings.grants_poll_seconds)
    try:
        # The loops end after the step in hand; a sync cut short would only be redone.
        async with _in_background(following, stop, grace=STOP_GRACE_SECONDS):
            yield True
    finally:
        await broker.stop()


@contextlib.asynccontextmanager
async def rollover_exports(
    settings: Settings, deps: Deps, state: PgExportState, book: PgRollovers
) -> AsyncIterator[None]:
    """The full exports after a rollover, in the background while the service follows the
    streams (`grants_follow`: one-shot commands turn it off)."""
    if not settings.grants_follow:
        yield
        return
    stop = asyncio.Event()
    interval = max(settings.grants_poll_seconds, 1.0)
    following = follow_rollovers(deps, state, book, stop, interval)
    async with _in_background(following, stop, grace=STOP_GRACE_SECONDS):
        yield


@contextlib.asynccontextmanager
async def _in_background(
    loop: Coroutine[Any, Any, None], stop: asyncio.Event, grace: float | None = None
) -> AsyncIterator[None]:
    """`loop` as a task while the block runs; then `stop` is set, the task given `grace`
    seconds to end on its own (none: not waited for) and cancelled."""
    task = asyncio.create_task(loop)
    try:
        yield
    finally:
        stop.set()
        if grace is not None:
            await asyncio.wait({task}, timeout=grace)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
