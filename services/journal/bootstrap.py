"""The composition root: real adapters for the journal, built and closed in one place."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from asyncpg import Pool
from nats.js import JetStreamContext

from contracts.registry import JOURNAL_REGISTRY
from contracts.streams import HOMEWORK_FILES_BUCKET, JOURNAL, JOURNAL_ARCHIVE_BUCKET
from services.common.clock import SchoolClock
from services.common.db import PROJECTOR_MIGRATIONS, create_pool, migrate
from services.common.eventstore_jetstream import JetStreamEventStore
from services.common.idempotency import KeyLedger
from services.common.idempotency_ledger import open_key_ledger
from services.common.jetstream import close as close_nats
from services.common.jetstream import connect, ensure_stream, jetstream, open_bucket
from services.common.keystore import KeyStore
from services.common.keystore_pg import PgKeyStore
from services.common.object_bucket import ObjectBucket
from services.common.projector import Projector, RebuildResult
from services.common.scratch import drop_stale_schemas
from services.common.service_runtime import ServiceRuntime
from services.common.settings import key_store_of
from services.common.stream_projector import stream_projector
from services.journal.adapters.archive_printer import printing_process
from services.journal.adapters.check_view import PgCheckViews
from services.journal.adapters.erasure_view import PgErasureViews
from services.journal.adapters.journal_projection import JournalViewProjection
from services.journal.adapters.journal_view import PgJournalViews
from services.journal.adapters.object_store import ObjectStoreFiles
from services.journal.adapters.roster_view import PgRosterViews
from services.journal.application import year_archive
from services.journal.application.ports import Deps, FileLimits
from services.journal.application.pupil_names import RosterPupilNames
from services.journal.application.retention import run_schedule
from services.journal.domain.findings import CheckRules
from services.journal.domain.retention import RetentionRule
from services.journal.settings import Settings

MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass(frozen=True, slots=True)
class Runtime(ServiceRuntime[Deps]):
    """The running journal: besides its Deps and connections, the journal view's projector
    (running or not) and the Idempotency-Key ledger."""

    projector: Projector
    projector_running: bool
    idempotency: KeyLedger


def projector_for(js: JetStreamContext, pool: Pool, keys: KeyStore) -> Projector:
    """The journal view's projector on the JOURNAL stream."""
    return stream_projector(js, pool, JOURNAL, JOURNAL_REGISTRY, JournalViewProjection(), keys)


@contextlib.asynccontextmanager
async def build(settings: Settings) -> AsyncIterator[Runtime]:
    """Connect, provision the stream, bucket and schema, start the projector; close on exit."""
    nc = await connect(settings.nats.url, name="journal", settings=settings.nats)
    js = jetstream(nc, settings.nats)
    await ensure_stream(js, JOURNAL, replicas=settings.nats.replicas)
    bucket = await open_bucket(js, HOMEWORK_FILES_BUCKET, replicas=settings.nats.replicas)
    archives = await open_bucket(js, JOURNAL_ARCHIVE_BUCKET, replicas=settings.nats.replicas)
    ledger = await open_key_ledger(js, settings.nats)
    pool = await create_pool(
        settings.pg.dsn,
        settings.pg.schema_name,
        connect_timeout=settings.pg.connect_timeout_seconds,
    )
    await migrate(pool, settings.pg.schema_name, PROJECTOR_MIGRATIONS, MIGRATIONS)
    await drop_stale_schemas(pool, settings.pg.schema_name)  # an interrupted rebuild's copy
    keys = await PgKeyStore.open(key_store_of(settings.keys, settings.pg))
    roster_views = PgRosterViews(pool)
    deps = Deps(
        store=JetStreamEventStore(js, JOURNAL.name),
        clock=SchoolClock(settings.timezone),
        files=ObjectStoreFiles(bucket),
        views=PgJournalViews(pool),
        file_limits=FileLimits(settings.files.max_bytes, settings.files.media_types),
        check_views=PgCheckViews(pool),
        check_rules=CheckRules(
            absence_reason_days=settings.check.absence_reason_days,
            homework_from_grade=settings.check.homework_from_grade,
            zone=ZoneInfo(settings.timezone),
        ),
        roster_views=roster_views,
        keys=keys,
        pupil_names=RosterPupilNames(roster_views),
        retention=retention_rule(settings),
        erasure_views=PgErasureViews(pool),
        archives=ObjectBucket(archives),
    )
    projector = projector_for(js, pool, keys)
    try:
        async with (
            projector.running(settings.run_projector) as running,
            _retention_schedule(settings, deps),
            _archive_watch(settings, deps),
        ):
            yield Runtime(deps, nc, pool, projector, running, idempotency=ledger)
    finally:
        await keys.close()
        await pool.close()
        await close_nats(nc)


def retention_rule(settings: Settings) -> RetentionRule | None:
    """The school's retention rule, if the settings name one."""
    years = settings.retention.leaver_years
    return None if years is None else RetentionRule(years)


def _retention_schedule(
    settings: Settings, deps: Deps
) -> contextlib.AbstractAsyncContextManager[bool]:
    """The retention rule's daily run in the background, when a rule is set and the schedule
    is on. Replicas all run it; the lease lets one work at a time."""
    rule, retention = deps.retention, settings.retention
    if rule is None or not retention.schedule:
        return _in_background(None)
    return _in_background(
        lambda stop: run_schedule(deps, rule, retention.at, settings.timezone, stop)
    )


def _archive_watch(settings: Settings, deps: Deps) -> contextlib.AbstractAsyncContextManager[bool]:
    """The watch that prints and keeps a sealed year's archive, in the background when it is
    on. Replicas all run it; the lease lets one print at a time."""
    every = settings.archive.check_seconds
    return _in_background(
        (lambda stop: year_archive.watch(deps, printing_process, every, stop))
        if settings.archive.watch
        else None
    )


@contextlib.asynccontextmanager
async def _in_background(
    work: Callable[[asyncio.Event], Coroutine[object, object, None]] | None,
) -> AsyncIterator[bool]:
    """`work(stop)` as a task for the block (None: nothing runs); yields whether it runs. On
    the way out `stop` is set and the task cancelled: a run cut short is done again by the next
    (a retention run erases whoever is still due, a year whose manifest is not kept is printed
    again)."""
    if work is None:
        yield False
        return
    stop = asyncio.Event()
    task = asyncio.create_task(work(stop))
    try:
        yield True
    finally:
        stop.set()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def rebuild_view(runtime: Runtime, settings: Settings) -> RebuildResult:
    """Rebuild the journal view from sequence 1 into a fresh schema and swap it in."""
    return await runtime.projector.rebuild(
        settings.pg.schema_name, PROJECTOR_MIGRATIONS, MIGRATIONS
    )
