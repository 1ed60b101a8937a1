"""The composition root: real adapters for the diary, built and closed in one place.

Two projections, each in its own schema so that each rebuilds on its own: the DIARY feed into
`settings.pg.schema_name`, the PORTAL messages into `settings.pg.messages_schema`.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from asyncpg import Pool
from nats.js import JetStreamContext

from contracts.registry import DIARY_REGISTRY, PORTAL_REGISTRY
from contracts.streams import DIARY, DIARY_FILES_BUCKET, PORTAL, PORTAL_FILES_BUCKET
from services.common.clock import SchoolClock
from services.common.db import PROJECTOR_MIGRATIONS, create_pool, migrate
from services.common.eventstore_jetstream import JetStreamEventStore
from services.common.idempotency import KeyLedger
from services.common.idempotency_ledger import open_key_ledger
from services.common.jetstream import close as close_nats
from services.common.jetstream import connect, ensure_stream, jetstream, open_bucket
from services.common.object_bucket import ObjectBucket
from services.common.projector import Projector, RebuildResult
from services.common.scratch import drop_stale_schemas
from services.common.service_runtime import ServiceRuntime
from services.common.stream_projector import stream_projector
from services.diary.adapters.changes_reads import PgChangeReads
from services.diary.adapters.diary_operations import PgDiaryOperations
from services.diary.adapters.diary_projection import DiaryProjection
from services.diary.adapters.diary_reads import PgDiaryReads
from services.diary.adapters.grant_directory import PgGrantDirectory
from services.diary.adapters.messages_projection import MessagesProjection, PgThreadReads
from services.diary.adapters.portal_directory import PgPortalDirectory
from services.diary.adapters.profile_reads import PgProfileReads
from services.diary.application.portal_ports import MessageDeps, ProfileDeps
from services.diary.application.ports import Deps
from services.diary.domain.attachments import AttachmentLimits
from services.diary.settings import Settings

MIGRATIONS = Path(__file__).parent / "migrations"
MESSAGES_MIGRATIONS = Path(__file__).parent / "messages_migrations"


@dataclass(frozen=True, slots=True)
class Runtime(ServiceRuntime[Deps]):
    """The running diary: besides its Deps and connections (`pool` on the feed's schema), the
    feed's and the messages' projectors and pools, and the Idempotency-Key ledger."""

    js: JetStreamContext
    projector: Projector
    projector_running: bool
    messages_pool: Pool
    messages_projector: Projector
    idempotency: KeyLedger


def projector_for(js: JetStreamContext, pool: Pool) -> Projector:
    """The diary's projector on the DIARY stream."""
    return stream_projector(js, pool, DIARY, DIARY_REGISTRY, DiaryProjection())


def messages_projector_for(js: JetStreamContext, pool: Pool) -> Projector:
    """The messages' projector on the PORTAL stream (`pool` on the messages schema)."""
    return stream_projector(js, pool, PORTAL, PORTAL_REGISTRY, MessagesProjection())


def attachment_limits(settings: Settings) -> AttachmentLimits:
    """The limits on messages' files, from the settings."""
    limits = settings.messages
    return AttachmentLimits(limits.max_files, limits.max_file_bytes, limits.media_types)


@contextlib.asynccontextmanager
async def build(settings: Settings) -> AsyncIterator[Runtime]:
    """Connect, provision streams, buckets and schemas, start the projectors; close on exit."""
    nc = await connect(settings.nats.url, name="diary", settings=settings.nats)
    js = jetstream(nc, settings.nats)
    await ensure_stream(js, DIARY, replicas=settings.nats.replicas)
    await ensure_stream(
        js, PORTAL, replicas=settings.nats.replicas
    )  # the diary writes the messages there
    bucket = await open_bucket(js, DIARY_FILES_BUCKET, replicas=settings.nats.replicas)
    portal_bucket = await open_bucket(js, PORTAL_FILES_BUCKET, replicas=settings.nats.replicas)
    ledger = await open_key_ledger(js, settings.nats)  # keys of messages
    pool = await create_pool(
        settings.pg.dsn,
        settings.pg.schema_name,
        connect_timeout=settings.pg.connect_timeout_seconds,
    )
    messages_pool = await create_pool(
        settings.pg.dsn,
        settings.pg.messages_schema,
        connect_timeout=settings.pg.connect_timeout_seconds,
    )
    try:
        await migrate(pool, settings.pg.schema_name, PROJECTOR_MIGRATIONS, MIGRATIONS)
        # What an interrupted rebuild left (a copy of the read model) goes at every start.
        await drop_stale_schemas(pool, settings.pg.schema_name)
        await drop_stale_schemas(messages_pool, settings.pg.messages_schema)
        await migrate(
            messages_pool, settings.pg.messages_schema, PROJECTOR_MIGRATIONS, MESSAGES_MIGRATIONS
        )
        projection = DiaryProjection()
        messages = MessageDeps(
            store=JetStreamEventStore(js, PORTAL.name),
            directory=PgGrantDirectory(pool),
            threads=PgThreadReads(messages_pool),
            attachments=ObjectBucket(portal_bucket),
            limits=attachment_limits(settings),
        )
        deps = Deps(
            reads=PgDiaryReads(pool),
            operations=PgDiaryOperations(pool, projection.name),
            files=ObjectBucket(bucket),
            clock=SchoolClock(settings.timezone),
            messages=messages,
            profile=ProfileDeps(PgProfileReads(messages_pool), PgPortalDirectory(pool)),
            changes=PgChangeReads(pool),
            staff=PgDiaryReads(pool),
        )
        projector = projector_for(js, pool)
        messages_projector = messages_projector_for(js, messages_pool)
        enabled = settings.run_projector
        async with (
            projector.running(enabled) as running,
            messages_projector.running(enabled),
        ):
            yield Runtime(
                deps, nc, pool, js, projector, running, messages_pool, messages_projector, ledger
            )
    finally:
        await messages_pool.close()
        await pool.close()
        await close_nats(nc)


async def rebuild_view(runtime: Runtime, settings: Settings) -> RebuildResult:
    """Rebuild the diary from sequence 1 into a fresh schema and swap it in."""
    return await runtime.projector.rebuild(
        settings.pg.schema_name, PROJECTOR_MIGRATIONS, MIGRATIONS
    )


async def rebuild_messages(runtime: Runtime, settings: Settings) -> RebuildResult:
    """Rebuild the messages' read model from sequence 1 of PORTAL and swap it in."""
    return await runtime.messages_projector.rebuild(
        settings.pg.messages_schema, PROJECTOR_MIGRATIONS, MESSAGES_MIGRATIONS
    )
