"""The composition root: real adapters for the exporter, built and closed in one place."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
from asyncpg import Pool
from nats.aio.client import Client
from nats.js import JetStreamContext

from contracts.streams import DIARY, HOMEWORK_FILES_BUCKET, JOURNAL
from services.common.auth import DevTokenIssuer
from services.common.db import PROJECTOR_MIGRATIONS, create_pool, migrate
from services.common.jetstream import connect, ensure_stream, open_bucket
from services.common.projector import RebuildResult
from services.exporter.adapters.clock import SystemClock
from services.exporter.adapters.diary_publisher import JetStreamPublisher
from services.exporter.adapters.export_state import MIGRATIONS, PgExportState
from services.exporter.adapters.files import ObjectStoreCopier
from services.exporter.adapters.record_feeds import (
    DIARY_RECORDS_PATH,
    JOURNAL_FACTS_PATH,
    HttpRecordFeed,
    service_tokens,
)
from services.exporter.adapters.runs_pg import PgRuns
from services.exporter.application.agreement import DiaryCheck
from services.exporter.application.ports import Deps
from services.exporter.application.scheduler import Retry, run_schedule
from services.exporter.domain.pseudonym import Pseudonymiser
from services.exporter.domain.schedule import Schedule, parse_time
from services.exporter.settings import Settings


@dataclass(frozen=True, slots=True)
class Runtime:
    """The running service: its Deps and the resources behind them."""

    deps: Deps
    nats: Client
    js: JetStreamContext
    pool: Pool
    state: PgExportState
    pseudonymiser: Pseudonymiser
    check: DiaryCheck
    scheduling: bool


def schedule_of(settings: Settings) -> Schedule:
    """The export schedule the settings describe."""
    return Schedule(
        daily_at=parse_time(settings.daily_at),
        monthly_day=settings.monthly_day,
        monthly_at=parse_time(settings.monthly_at),
        timezone=settings.timezone,
    )


@contextlib.asynccontextmanager
async def build(settings: Settings) -> AsyncIterator[Runtime]:
    """Connect, provision streams, buckets and schema; run the schedule (unless disabled)."""
    nc = await connect(settings.nats.url, name="exporter")
    js = nc.jetstream()
    await ensure_stream(js, JOURNAL)
    await ensure_stream(js, DIARY)
    source = await open_bucket(js, HOMEWORK_FILES_BUCKET)
    target = await open_bucket(js, settings.files_bucket)
    pool = await create_pool(settings.pg.dsn, settings.pg.schema_name)
    await migrate(pool, settings.pg.schema_name, PROJECTOR_MIGRATIONS, MIGRATIONS)
    pseudonymiser = Pseudonymiser(settings.pseudonym_key.get_secret_value().encode())
    state = PgExportState(js, pool, settings.pg.schema_name, pseudonymiser)
    deps = Deps(
        runs=PgRuns(pool),
        state=state,
        publisher=JetStreamPublisher(js),
        files=ObjectStoreCopier(source, target),
        clock=SystemClock(),
        publish_window=settings.publish_window,
    )
    client = httpx.AsyncClient(timeout=httpx.Timeout(30.0, read=300.0))
    check = diary_check(settings, client, pseudonymiser)
    stop = asyncio.Event()
    task = None
    if settings.schedule_enabled:
        retry = Retry(settings.retry_attempts, settings.retry_delay_seconds)
        task = asyncio.create_task(run_schedule(deps, schedule_of(settings), retry, stop))
    try:
        yield Runtime(deps, nc, js, pool, state, pseudonymiser, check, task is not None)
    finally:
        stop.set()
        if task is not None:
            task.cancel()  # a run in progress stops; its record says 'running' until the next
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await state.projector.close()
        await client.aclose()
        await pool.close()
        await nc.drain()


def diary_check(
    settings: Settings, client: httpx.AsyncClient, pseudonymiser: Pseudonymiser
) -> DiaryCheck:
    """The diary check over the journal's and the diary's HTTP APIs."""
    fixed = settings.service_token.get_secret_value() if settings.service_token else None
    issuer = DevTokenIssuer.from_settings(settings.auth) if settings.auth.mode == "dev" else None
    tokens = service_tokens(fixed, issuer)
    return DiaryCheck(
        journal=HttpRecordFeed(client, settings.journal_url, JOURNAL_FACTS_PATH, tokens),
        diary=HttpRecordFeed(client, settings.diary_url, DIARY_RECORDS_PATH, tokens),
        pseudonym=pseudonymiser,
    )


async def rebuild_state(runtime: Runtime) -> RebuildResult:
    """Rebuild the export state from sequence 1 and copy it in (the runs table stays)."""
    return await runtime.state.rebuild()
