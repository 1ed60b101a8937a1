"""The composition root: real adapters for the exporter, built and closed in one place."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
from nats.aio.client import Client
from nats.js import JetStreamContext

from contracts.streams import DIARY, ENROLLMENT, HOMEWORK_FILES_BUCKET, JOURNAL
from services.common.broker import ServiceBroker
from services.common.clock import SchoolClock
from services.common.db import PROJECTOR_MIGRATIONS, create_pool, migrate, quote_ident
from services.common.dev_tokens import DevTokenIssuer
from services.common.jetstream import close as close_nats
from services.common.jetstream import connect, ensure_stream, jetstream, open_bucket
from services.common.keystore_pg import PgKeyStore
from services.common.projector import RebuildResult
from services.common.scratch import drop_stale_schemas
from services.common.service_runtime import ServiceRuntime
from services.common.settings import key_store_of
from services.exporter.adapters.access_state import ACCESS_MIGRATIONS, PgAccess
from services.exporter.adapters.diary_publisher import JetStreamPublisher
from services.exporter.adapters.enrollment_notices import declare_enrollment_notices
from services.exporter.adapters.export_state import MIGRATIONS, PgExportState
from services.exporter.adapters.files import ObjectStoreCopier
from services.exporter.adapters.grants_pg import PgGrantBook
from services.exporter.adapters.record_feeds import (
    DIARY_RECORDS_PATH,
    JOURNAL_FACTS_PATH,
    HttpRecordFeed,
    service_tokens,
)
from services.exporter.adapters.rollovers_pg import PgRollovers
from services.exporter.adapters.runs_pg import PgRuns
from services.exporter.application.agreement import DiaryCheck, PupilNames
from services.exporter.application.grant_follow import follow
from services.exporter.application.grant_ports import GrantDeps
from services.exporter.application.ports import Deps
from services.exporter.application.rollover_exports import follow_rollovers
from services.exporter.application.scheduler import Retry, run_schedule
from services.exporter.domain.pseudonym import Pseudonymiser
from services.exporter.domain.schedule import Schedule, parse_time
from services.exporter.settings import Settings

STOP_GRACE_SECONDS = 10.0
"""How long the grant sync may take to finish the step in hand when the service stops."""


@dataclass(frozen=True, slots=True)
class Runtime(ServiceRuntime[Deps]):
    """The running exporter: besides its Deps and connections, the export state, the diary
    check, the grant sync's state and whether the schedule and the grant sync run."""

    js: JetStreamContext
    state: PgExportState
    pseudonymiser: Pseudonymiser
    check: DiaryCheck
    scheduling: bool
    grants: GrantDeps
    access: PgAccess
    following: bool = False


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
    """Connect, provision streams, buckets and schemas; run the schedule and the grant sync
    (unless disabled)."""
    nc = await connect(settings.nats.url, name="exporter", settings=settings.nats)
    js = jetstream(nc, settings.nats)
    for spec in (JOURNAL, ENROLLMENT, DIARY):
        await ensure_stream(js, spec, replicas=settings.nats.replicas)
    source = await open_bucket(js, HOMEWORK_FILES_BUCKET, replicas=settings.nats.replicas)
    target = await open_bucket(js, settings.files_bucket, replicas=settings.nats.replicas)
    schema = settings.pg.schema_name
    pool = await create_pool(
        settings.pg.dsn, schema, connect_timeout=settings.pg.connect_timeout_seconds
    )
    await migrate(pool, schema, PROJECTOR_MIGRATIONS, MIGRATIONS)
    access_pool = await create_pool(
        settings.pg.dsn,
        settings.access_schema,
        max_size=4,
        connect_timeout=settings.pg.connect_timeout_seconds,
    )
    await migrate(access_pool, settings.access_schema, PROJECTOR_MIGRATIONS, ACCESS_MIGRATIONS)
    # What an interrupted rebuild or full export left (a copy of the journal) goes at start.
    await drop_stale_schemas(pool, schema)
    await drop_stale_schemas(access_pool, settings.access_schema)
    pseudonymiser = Pseudonymiser(settings.pseudonym_key.get_secret_value().encode())
    keys = await PgKeyStore.open(key_store_of(settings.keys, settings.pg))
    state = PgExportState(js, pool, schema, pseudonymiser, keys)
    deps = Deps(
        runs=PgRuns(pool),
        state=state,
        publisher=JetStreamPublisher(js),
        files=ObjectStoreCopier(source, target),
        clock=SchoolClock(settings.timezone),
        publish_window=settings.publish_window,
    )
    due_table = f"{quote_ident(schema)}.grant_syncs_due"
    access = PgAccess(js, access_pool, settings.access_schema, due_table, keys)
    # A state folded before the name guard learns the pupils' names first (once).
    await state.backfill_names()
    # Both are drained on demand, not run: /metrics shows their dead letters from the start.
    await state.projector.describe()
    await access.projector.describe()
    grants = GrantDeps(
        enrollment=access,
        roster=state,
        book=PgGrantBook(pool),
        publisher=deps.publisher,
        clock=deps.clock,
        pseudonym=pseudonymiser.of,
        publish_window=settings.publish_window,
    )
    client = httpx.AsyncClient(timeout=httpx.Timeout(30.0, read=300.0))
    check = diary_check(settings, client, pseudonymiser, state)
    try:
        async with (
            _scheduled(settings, deps) as scheduling,
            _grant_sync(settings, nc, grants) as following,
            _rollover_exports(settings, deps, state, PgRollovers(pool)),
        ):
            yield Runtime(
                deps,
                nc,
                pool,
                js,
                state,
                pseudonymiser,
                check,
                scheduling,
                grants,
                access,
                following,
            )
    finally:
        await state.projector.close()
        await access.projector.close()
        await keys.close()
        await client.aclose()
        await access_pool.close()
        await pool.close()
        await close_nats(nc)


@contextlib.asynccontextmanager
async def _scheduled(settings: Settings, deps: Deps) -> AsyncIterator[bool]:
    """The export schedule in the background (when enabled); yields whether it runs."""
    if not settings.schedule_enabled:
        yield False
        return
    stop = asyncio.Event()
    retry = Retry(settings.retry_attempts, settings.retry_delay_seconds)
    task = asyncio.create_task(run_schedule(deps, schedule_of(settings), retry, stop))
    try:
        yield True
    finally:
        stop.set()
        task.cancel()  # a run in progress stops; its record says 'running' until the next
        with contextlib.suppress(asyncio.CancelledError):
            await task


@contextlib.asynccontextmanager
async def _grant_sync(settings: Settings, nc: Client, grants: GrantDeps) -> AsyncIterator[bool]:
    """The grant sync's loops in the background (when enabled); yields whether they run."""
    if not settings.grants_follow:
        yield False
        return
    stop, wake = asyncio.Event(), asyncio.Event()
    broker = ServiceBroker(nc)
    declare_enrollment_notices(broker, wake)
    await broker.start()
    task = asyncio.create_task(follow(grants, wake, stop, settings.grants_poll_seconds))
    try:
        yield True
    finally:
        stop.set()
        # The loops end after the step in hand; a sync cut short would only be redone.
        await asyncio.wait({task}, timeout=STOP_GRACE_SECONDS)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await broker.stop()


@contextlib.asynccontextmanager
async def _rollover_exports(
    settings: Settings, deps: Deps, state: PgExportState, book: PgRollovers
) -> AsyncIterator[None]:
    """The full exports after a rollover, in the background while the service follows the
    streams (`grants_follow`: one-shot commands turn it off)."""
    if not settings.grants_follow:
        yield
        return
    stop = asyncio.Event()
    interval = max(settings.grants_poll_seconds, 1.0)
    task = asyncio.create_task(follow_rollovers(deps, state, book, stop, interval))
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait({task}, timeout=STOP_GRACE_SECONDS)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def diary_check(
    settings: Settings,
    client: httpx.AsyncClient,
    pseudonymiser: Pseudonymiser,
    names: PupilNames | None = None,
) -> DiaryCheck:
    """The diary check over the journal's and the diary's HTTP APIs (the journal's free texts
    redacted with the school's pupils' `names`, as the exporter redacted them)."""
    fixed = settings.service_token.get_secret_value() if settings.service_token else None
    issuer = DevTokenIssuer.from_settings(settings.auth) if settings.auth.mode == "dev" else None
    tokens = service_tokens(fixed, issuer)
    return DiaryCheck(
        journal=HttpRecordFeed(client, settings.journal_url, JOURNAL_FACTS_PATH, tokens),
        diary=HttpRecordFeed(client, settings.diary_url, DIARY_RECORDS_PATH, tokens),
        pseudonym=pseudonymiser,
        names=names,
    )


async def rebuild_state(runtime: Runtime) -> RebuildResult:
    """Rebuild the export state from sequence 1 and copy it in (the runs table stays)."""
    return await runtime.state.rebuild()


async def rebuild_access(runtime: Runtime) -> RebuildResult:
    """Rebuild the links and staff UIDs from sequence 1 and swap them in (grants stay)."""
    return await runtime.access.rebuild()
