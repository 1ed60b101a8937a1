"""The composition root: real adapters for the diary, built and closed in one place."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from asyncpg import Pool
from nats.aio.client import Client
from nats.js import JetStreamContext

from contracts.registry import DIARY_REGISTRY
from contracts.streams import DIARY, DIARY_FILES_BUCKET
from services.common.db import PROJECTOR_MIGRATIONS, create_pool, migrate
from services.common.jetstream import connect, ensure_stream, open_bucket
from services.common.projector import Projector, RebuildResult
from services.diary.adapters.clock import SchoolClock
from services.diary.adapters.diary_projection import DiaryProjection
from services.diary.adapters.diary_reads import PgDiaryOperations, PgDiaryReads
from services.diary.adapters.files import ObjectStoreFiles
from services.diary.application.ports import Deps
from services.diary.settings import Settings

MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass(frozen=True, slots=True)
class Runtime:
    """The running service: its Deps and the resources behind them."""

    deps: Deps
    nats: Client
    js: JetStreamContext
    pool: Pool
    projector: Projector
    projector_running: bool


def projector_for(js: JetStreamContext, pool: Pool) -> Projector:
    """The diary's projector on the DIARY stream."""
    return Projector(
        js,
        pool,
        stream=DIARY.name,
        filter_subject=DIARY.subjects[0],
        registry=DIARY_REGISTRY,
        projection=DiaryProjection(),
    )


@contextlib.asynccontextmanager
async def build(settings: Settings) -> AsyncIterator[Runtime]:
    """Connect, provision the stream, bucket and schema, start the projector; close on exit."""
    nc = await connect(settings.nats.url, name="diary")
    js = nc.jetstream()
    await ensure_stream(js, DIARY)
    bucket = await open_bucket(js, DIARY_FILES_BUCKET)
    pool = await create_pool(settings.pg.dsn, settings.pg.schema_name)
    await migrate(pool, settings.pg.schema_name, PROJECTOR_MIGRATIONS, MIGRATIONS)
    projection = DiaryProjection()
    deps = Deps(
        reads=PgDiaryReads(pool),
        operations=PgDiaryOperations(pool, projection.name),
        files=ObjectStoreFiles(bucket),
        clock=SchoolClock(settings.timezone),
    )
    projector = projector_for(js, pool)
    try:
        async with projector.running(settings.run_projector) as running:
            yield Runtime(deps, nc, js, pool, projector, running)
    finally:
        await pool.close()
        await nc.drain()


async def rebuild_view(runtime: Runtime, settings: Settings) -> RebuildResult:
    """Rebuild the diary from sequence 1 into a fresh schema and swap it in."""
    return await runtime.projector.rebuild(
        settings.pg.schema_name, PROJECTOR_MIGRATIONS, MIGRATIONS
    )
