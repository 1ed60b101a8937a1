"""Killing the journal's projector process mid-batch (SIGKILL, repeatedly) and restarting it
gives the same journal view as an uninterrupted rebuild from sequence 1."""

from __future__ import annotations

import asyncio
import random

import pytest

import demo
from contracts.streams import JOURNAL
from demo import loader as demo_loader
from services.common.db import PROJECTOR_MIGRATIONS
from services.common.eventstore_jetstream import JetStreamEventStore
from services.journal.adapters.journal_projection import JournalViewProjection
from services.journal.adapters.object_store import InMemoryFiles
from services.journal.bootstrap import MIGRATIONS
from tests.support.journal import in_memory_deps
from tests.support.journal_view import VIEW_TABLES
from tests.support.projectors import journal_projector
from tests.support.waiting import eventually
from tests.support.workers import start_worker, worker_env

pytestmark = pytest.mark.integration


async def _table(pool, schema: str, table: str) -> list[tuple]:
    async with pool.acquire() as conn:
        rows = await conn.fetch(f'SELECT * FROM "{schema}".{table}')
    return sorted(tuple(r.values()) for r in rows)


async def _checkpoint(pool, schema: str) -> int:
    async with pool.acquire() as conn:
        exists = await conn.fetchval("SELECT to_regclass($1)", f"{schema}.projection_checkpoints")
        if exists is None:
            return 0
        value = await conn.fetchval(
            f'SELECT last_seq FROM "{schema}".projection_checkpoints WHERE name = $1',
            JournalViewProjection().name,
        )
    return int(value or 0)


async def test_sigkill_mid_batch_then_restart_equals_an_uninterrupted_rebuild(
    js, nats_url, database_url, pg_pool, pg_schema, key_store
):
    school = demo.generate(7, pupils_target=300, term_weeks=3)
    journal = JetStreamEventStore(js, JOURNAL.name)
    await demo_loader.load(in_memory_deps(journal, files=InMemoryFiles(), keys=key_store), school)
    last_seq = (await js.stream_info(JOURNAL.name)).state.last_seq
    env = worker_env("journal", nats_url, database_url, pg_schema)
    rng = random.Random(11)
    kills = 0
    checkpoint = 0
    while checkpoint < last_seq and kills < 6:
        worker = await start_worker("journal", env)
        before = checkpoint

        async def progressed(before=before):
            assert await _checkpoint(pg_pool, pg_schema) > before

        # Kill at a random moment once the worker has committed something: mid-stream, not
        # before it started (the timing of a start varies with the machine's load).
        await eventually(progressed, timeout=60)
        await asyncio.sleep(rng.uniform(0.0, 0.2))
        worker.kill()  # SIGKILL: no chance to finish the batch or ack it
        await worker.wait()
        kills += 1
        checkpoint = await _checkpoint(pg_pool, pg_schema)
    assert kills >= 2, "the worker finished before it could be killed twice"
    final = await start_worker("journal", env)
    try:

        async def caught_up():
            assert await _checkpoint(pg_pool, pg_schema) == last_seq

        await eventually(caught_up, timeout=90)
    finally:
        final.terminate()
        await final.wait()

    rebuilt = f"{pg_schema}_copy"
    projector = journal_projector(js, pg_pool, JournalViewProjection(), keys=key_store)
    await projector.rebuild_into(rebuilt, PROJECTOR_MIGRATIONS, MIGRATIONS)
    for table in VIEW_TABLES:
        live = await _table(pg_pool, pg_schema, table)
        assert live == await _table(pg_pool, rebuilt, table), table
        assert live or table == "assignments"
