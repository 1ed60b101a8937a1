"""The composition root: real adapters for the enrollment, built and closed in one place."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from nats.js import JetStreamContext

from contracts.registry import ENROLLMENT_REGISTRY, JOURNAL_REGISTRY
from contracts.streams import ENROLLMENT, JOURNAL
from services.common.clock import Clock, SchoolClock
from services.common.db import PROJECTOR_MIGRATIONS, Pool, create_pool, migrate
from services.common.eventstore_jetstream import JetStreamEventStore
from services.common.idempotency import KeyLedger
from services.common.idempotency_ledger import open_key_ledger
from services.common.jetstream import close as close_nats
from services.common.jetstream import connect, ensure_stream, jetstream
from services.common.keystore import KeyStore
from services.common.keystore_pg import PgKeyStore
from services.common.projector import Projector, RebuildResult
from services.common.scratch import drop_stale_schemas
from services.common.service_runtime import ServiceRuntime
from services.common.settings import key_store_of
from services.common.stream_projector import stream_projector
from services.enrollment.adapters.enrollment_projection import EnrollmentProjection
from services.enrollment.adapters.enrollment_reads import PgEnrollmentReads
from services.enrollment.adapters.roster_projection import RosterProjection
from services.enrollment.adapters.roster_reads import PgRoster
from services.enrollment.application.ports import Deps
from services.enrollment.settings import Settings

MIGRATIONS = Path(__file__).parent / "migrations"
ROSTER_MIGRATIONS = Path(__file__).parent / "roster_migrations"


@dataclass(frozen=True, slots=True)
class Runtime(ServiceRuntime[Deps]):
    """The running enrollment: besides its Deps and connections (`pool` on the read model's
    schema), the roster's pool, both projectors and the Idempotency-Key ledger."""

    roster_pool: Pool
    projector: Projector
    roster_projector: Projector
    projectors_running: bool
    idempotency: KeyLedger


def projectors_for(
    js: JetStreamContext, pool: Pool, roster_pool: Pool, keys: KeyStore, *, view_schema: str
) -> tuple[Projector, Projector]:
    """The read model's projector on ENROLLMENT and the roster's on JOURNAL (which also blanks
    the erased applicants' data in the read model's `view_schema`)."""
    view = stream_projector(js, pool, ENROLLMENT, ENROLLMENT_REGISTRY, EnrollmentProjection(), keys)
    roster_projection = RosterProjection(view_schema)
    roster = stream_projector(js, roster_pool, JOURNAL, JOURNAL_REGISTRY, roster_projection, keys)
    return view, roster


@contextlib.asynccontextmanager
async def build(settings: Settings, *, clock: Clock | None = None) -> AsyncIterator[Runtime]:
    """Connect, provision the streams and schemas, start the projectors; close on exit.

    `clock` replaces the school's real clock (tests that need known dates pass a fake one).
    """
    nc = await connect(settings.nats.url, name="enrollment", settings=settings.nats)
    js = jetstream(nc, settings.nats)
    await ensure_stream(js, ENROLLMENT, replicas=settings.nats.replicas)
    await ensure_stream(
        js, JOURNAL, replicas=settings.nats.replicas
    )  # read only; provisioned here too so a fresh start works
    ledger = await open_key_ledger(js, settings.nats)
    pg = settings.pg
    pool = await create_pool(pg.dsn, pg.schema_name, connect_timeout=pg.connect_timeout_seconds)
    roster_pool = await create_pool(
        pg.dsn, pg.roster_schema, max_size=5, connect_timeout=pg.connect_timeout_seconds
    )
    keys = await PgKeyStore.open(key_store_of(settings.keys, pg))
    try:
        await migrate(pool, pg.schema_name, PROJECTOR_MIGRATIONS, MIGRATIONS)
        await migrate(roster_pool, pg.roster_schema, PROJECTOR_MIGRATIONS, ROSTER_MIGRATIONS)
        # What an interrupted rebuild left (names, birth dates) goes at every start.
        await drop_stale_schemas(pool, pg.schema_name)
        await drop_stale_schemas(roster_pool, pg.roster_schema)
        deps = Deps(
            store=JetStreamEventStore(js, ENROLLMENT.name),
            clock=clock or SchoolClock(settings.timezone),
            roster=PgRoster(roster_pool),
            reads=PgEnrollmentReads(pool),
            keys=keys,
        )
        view, roster = projectors_for(js, pool, roster_pool, keys, view_schema=pg.schema_name)
        async with (
            view.running(settings.run_projector) as running,
            roster.running(settings.run_projector),
        ):
            yield Runtime(deps, nc, pool, roster_pool, view, roster, running, idempotency=ledger)
    finally:
        await keys.close()
        await roster_pool.close()
        await pool.close()
        await close_nats(nc)


async def rebuild_views(
    runtime: Runtime, settings: Settings
) -> tuple[RebuildResult, RebuildResult]:
    """Rebuild the read model and the roster from sequence 1 into fresh schemas, swap them in."""
    view = await runtime.projector.rebuild(
        settings.pg.schema_name, PROJECTOR_MIGRATIONS, MIGRATIONS
    )
    roster = await runtime.roster_projector.rebuild(
        settings.pg.roster_schema, PROJECTOR_MIGRATIONS, ROSTER_MIGRATIONS
    )
    return view, roster
