"""Two replicas of the journal's projector (worker processes) on one schema: one follows the
stream while the other waits for its lease (`services.common.lease`); when the active one is
killed (SIGKILL) while the demo school is being recorded, the other takes over within the
lease's retry and the view equals a rebuild from sequence 1 (nothing applied twice, nothing
skipped)."""

from __future__ import annotations

import asyncio
import time

import pytest

import demo
from contracts.streams import JOURNAL
from demo import loader as demo_loader
from services.common.eventstore_jetstream import JetStreamEventStore
from services.common.lease import RETRY_SECONDS
from services.journal.adapters.journal_projection import JournalViewProjection
from services.journal.adapters.object_store import InMemoryFiles
from tests.support.journal import in_memory_deps
from tests.support.journal_view import assert_view_equals_a_rebuild, view_checkpoint
from tests.support.waiting import eventually
from tests.support.workers import logged, start_worker, worker_env

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

NAME = JournalViewProjection().name
# The lease's advisory lock as pg_locks shows it: the low 32 bits of the key in objid.
_HOLDERS = (
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1 "
    "AND objid = ((hashtext($1 || '/projection:' || $2)::bigint & 4294967295)::text)::oid"
)


async def _holders(pool, schema: str) -> int:
    async with pool.acquire() as conn:
        return int(await conn.fetchval(_HOLDERS, schema, NAME))


async def test_the_waiting_replica_takes_over_when_the_active_one_is_killed(
    js, nats_url, database_url, pg_pool, pg_schema, key_store
):
    env = worker_env("journal", nats_url, database_url, pg_schema)

    async def one_holder() -> None:
        assert await _holders(pg_pool, pg_schema) == 1

    active = await start_worker("journal", env)
    await eventually(one_holder, timeout=60)
    waiting = await start_worker("journal", env, read_log=True)
    try:
        await logged(waiting, "lease.waiting", timeout=60)
        school = demo.generate(7, pupils_target=300, term_weeks=3)
        journal = JetStreamEventStore(js, JOURNAL.name)
        deps = in_memory_deps(journal, files=InMemoryFiles(), keys=key_store)
        loading = asyncio.create_task(demo_loader.load(deps, school))

        async def applying() -> None:
            assert await view_checkpoint(pg_pool, pg_schema) > 0

        await eventually(applying, timeout=60)
        active.kill()  # SIGKILL, mid-stream: the lease goes with its PostgreSQL session
        await active.wait()
        killed_at = time.monotonic()
        await eventually(one_holder, timeout=10, interval=0.05)
        takeover = time.monotonic() - killed_at
        await loading
        last_seq = (await js.stream_info(JOURNAL.name)).state.last_seq

        async def caught_up() -> None:
            assert await view_checkpoint(pg_pool, pg_schema) == last_seq

        await eventually(caught_up, timeout=90)
    finally:
        waiting.terminate()
        await waiting.wait()
    print(f"\nfail-over: the waiting replica held the lease {takeover:.2f} s after the kill")  # noqa: T201
    assert takeover < RETRY_SECONDS + 2

    await assert_view_equals_a_rebuild(js, pg_pool, pg_schema, key_store)
