"""The composition root: real adapters for the audit, built and closed in one place.

The audit reads every stream and writes none of them. Its event log is one table in one schema
fed by four projectors (one per stream, each with its own checkpoint and durable consumer);
a rebuild replays all four into a fresh schema and swaps it in once. The projectors keep
personal data sealed (`KEEP_SEALED`); the key store opens what the answers show.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from nats.js import JetStreamContext

from contracts.registry import (
    DIARY_REGISTRY,
    ENROLLMENT_REGISTRY,
    JOURNAL_REGISTRY,
    PORTAL_REGISTRY,
    Registry,
)
from contracts.streams import DIARY, ENROLLMENT, JOURNAL, PORTAL, StreamSpec
from services.audit.adapters.event_log_pg import PgEventLog
from services.audit.adapters.event_log_projection import EventLogProjection
from services.audit.adapters.stream_walk import integrity_for
from services.audit.application.anchoring import SigningSettings, run_anchoring
from services.audit.application.ports import Deps
from services.audit.application.verification import Integrity
from services.audit.settings import Settings
from services.common.db import PROJECTOR_MIGRATIONS, Pool, create_pool, migrate
from services.common.db import swap_schema as swap
from services.common.jetstream import close as close_nats
from services.common.jetstream import connect, jetstream
from services.common.keystore import KEEP_SEALED
from services.common.keystore_pg import PgKeyStore
from services.common.lease import Lease
from services.common.projector import Projector, RebuildResult
from services.common.scratch import drop_stale_schemas, scratch_schema
from services.common.service_runtime import ServiceRuntime
from services.common.settings import key_store_of
from services.common.stream_projector import stream_projector

MIGRATIONS = Path(__file__).parent / "migrations"
ANCHORING_LEASE = "audit:anchoring"

LOGGED_STREAMS: tuple[tuple[StreamSpec, Registry], ...] = (
    (JOURNAL, JOURNAL_REGISTRY),
    (ENROLLMENT, ENROLLMENT_REGISTRY),
    (DIARY, DIARY_REGISTRY),
    (PORTAL, PORTAL_REGISTRY),
)
"""Every stream the audit logs, with the registry that decodes it."""


@dataclass(frozen=True, slots=True)
class Runtime(ServiceRuntime[Deps]):
    """The running audit: besides its Deps and connections (`pool` on the event log's
    schema), the event log's projectors, one per stream."""

    js: JetStreamContext
    projectors: tuple[Projector, ...]
    projectors_running: bool


def projectors_for(js: JetStreamContext, pool: Pool) -> tuple[Projector, ...]:
    """One event-log projector per stream, all on the one pool (and so the one table); each
    logs sealed personal data as it travelled, without opening it."""
    return tuple(
        stream_projector(js, pool, spec, registry, EventLogProjection(spec.name), KEEP_SEALED)
        for spec, registry in LOGGED_STREAMS
    )


@contextlib.asynccontextmanager
async def _all_running(projectors: tuple[Projector, ...], enabled: bool) -> AsyncIterator[bool]:
    async with contextlib.AsyncExitStack() as stack:
        for projector in projectors:
            await stack.enter_async_context(projector.running(enabled))
        yield enabled


@contextlib.asynccontextmanager
async def build(
    settings: Settings, *, signing: SigningSettings | None = None
) -> AsyncIterator[Runtime]:
    """Connect, migrate the schema, start the projectors; close everything on exit.

    The other services' streams are not provisioned here: the audit never writes to them, not
    even their configuration. A projector whose stream does not exist yet retries until it does.
    `signing` (default: read from the `AUDIT_*` environment) is the anchors' key.
    """
    nc = await connect(settings.nats.url, name="audit", settings=settings.nats)
    js = jetstream(nc, settings.nats)
    pool = await create_pool(
        settings.pg.dsn,
        settings.pg.schema_name,
        connect_timeout=settings.pg.connect_timeout_seconds,
    )
    keys = await PgKeyStore.open(key_store_of(settings.keys, settings.pg))
    try:
        await migrate(pool, settings.pg.schema_name, PROJECTOR_MIGRATIONS, MIGRATIONS)
        await drop_stale_schemas(pool, settings.pg.schema_name)  # an interrupted rebuild left
        signing = signing or SigningSettings()
        integrity = integrity_for(
            js, signing.signer(), signing.trusted_keys, replicas=settings.nats.replicas
        )
        deps = Deps(
            log=PgEventLog(pool), timezone=settings.timezone, integrity=integrity, keys=keys
        )
        projectors = projectors_for(js, pool)
        async with (
            _all_running(projectors, settings.run_projector) as running,
            _anchoring(pool, integrity, signing, settings.run_anchoring),
        ):
            yield Runtime(deps, nc, pool, js, projectors, running)
    finally:
        await keys.close()
        await pool.close()
        await close_nats(nc)


@contextlib.asynccontextmanager
async def _anchoring(
    pool: Pool, integrity: Integrity, signing: SigningSettings, enabled: bool
) -> AsyncIterator[None]:
    """The anchoring loop (hourly by default) in the background for the block (when enabled),
    on one replica at a time."""
    run = _anchor_while_leased(pool, integrity, signing) if enabled else None
    task = asyncio.create_task(run) if run is not None else None
    try:
        yield
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def rebuild_log(runtime: Runtime, schema: str) -> list[RebuildResult]:
    """Replay every stream from sequence 1 into a fresh schema, then swap it in as `schema`.

    The four projections share one table, so the fresh schema is filled by all four before
    the swap; the live runners notice the moved checkpoints and resync.
    """
    live = schema
    await drop_stale_schemas(runtime.pool, live)  # what an interrupted rebuild left
    async with scratch_schema(runtime.pool, live, "rebuild") as fresh:
        results = [
            await projector.rebuild_into(fresh, PROJECTOR_MIGRATIONS, MIGRATIONS)
            for projector in runtime.projectors
        ]
        await swap(runtime.pool, live=live, fresh=fresh)
    return [
        RebuildResult(live, r.last_seq, r.events_applied, r.dead_letters, r.seconds)
        for r in results
    ]


async def _anchor_while_leased(pool: Pool, integrity: Integrity, signing: SigningSettings) -> None:
    """Anchor while this replica holds the anchoring lease (`services.common.lease`); the
    others wait to take over. Anchors are written once whoever writes them (expected sequence
    0), so the lease saves work: every round walks the streams."""
    if integrity.signer is None:
        await run_anchoring(integrity)  # says why nothing is anchored
        return
    lease, never = Lease(pool, ANCHORING_LEASE), asyncio.Event()
    while await lease.take(never):
        try:
            await run_anchoring(integrity, every=signing.anchor_every, still_held=lease.still_held)
        finally:
            await lease.release()
