"""The composition root: real adapters for the exporter, built and closed in one place."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
from nats.js import JetStreamContext

from contracts.streams import DIARY, ENROLLMENT, HOMEWORK_FILES_BUCKET, JOURNAL
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
from services.exporter.application.grant_ports import GrantDeps
from services.exporter.application.ports import Deps
from services.exporter.background import grant_sync, rollover_exports, scheduled
from services.exporter.domain.pseudonym import Pseudonymiser
from services.exporter.settings import Settings


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
            scheduled(settings, deps) as scheduling,
            grant_sync(settings, nc, grants) as following,
            rollover_exports(settings, deps, state, PgRollovers(pool)),
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
