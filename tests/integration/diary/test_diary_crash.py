"""Killing the diary's worker process (SIGKILL, repeatedly) while it stages and applies a big
batch: a half-delivered batch is never visible, and after a restart the batch is applied once,
whole, with nothing doubled or lost."""

from __future__ import annotations

import asyncio
import datetime as dt
import random

import pytest

from tests.support.diary import FeedWriter, lesson_record
from tests.support.waiting import eventually
from tests.support.workers import start_worker, worker_env

pytestmark = pytest.mark.integration

LESSONS = 6_000


async def _count(pool, schema: str, table: str) -> int:
    async with pool.acquire() as conn:
        if await conn.fetchval("SELECT to_regclass($1)", f"{schema}.{table}") is None:
            return 0
        return int(await conn.fetchval(f'SELECT count(*) FROM "{schema}".{table}'))


async def test_sigkill_while_staging_and_applying_never_shows_half_a_batch(
    js, nats_url, database_url, pg_pool, pg_schema
):
    writer = FeedWriter(js)
    first = dt.date(2026, 9, 1)
    records = [
        lesson_record(f"l{n:05d}", first + dt.timedelta(days=n % 200), slot=1 + n % 6, seq=n + 1)
        for n in range(LESSONS)
    ]
    batch = writer.batch(records, kind="full", to_seq=LESSONS)
    await writer.publish(batch)
    env = worker_env("diary", nats_url, database_url, pg_schema)
    rng = random.Random(5)
    kills = 0
    while kills < 4:
        worker = await start_worker("diary", env)
        staged_before = await _count(pg_pool, pg_schema, "staged_records")

        async def progressing(before=staged_before):
            # Staging more; or already done: a restarted worker may stage the rest and apply
            # the batch between two looks (the loop below then ends on the whole batch).
            staged = await _count(pg_pool, pg_schema, "staged_records")
            assert staged > before or await _count(pg_pool, pg_schema, "records") == LESSONS

        await eventually(progressing, timeout=60)
        await asyncio.sleep(rng.uniform(0.0, 0.3))
        worker.kill()  # SIGKILL: mid-batch, before its commit and ack
        await worker.wait()
        kills += 1
        visible = await _count(pg_pool, pg_schema, "records")
        assert visible in (0, LESSONS), f"{visible} of {LESSONS} records visible after a kill"
        if visible == LESSONS:
            break
    assert kills >= 2, "the worker applied the batch before it could be killed twice"

    final = await start_worker("diary", env)
    try:

        async def applied():
            assert await _count(pg_pool, pg_schema, "records") == LESSONS

        await eventually(applied, timeout=120)
    finally:
        final.terminate()
        await final.wait()
    assert await _count(pg_pool, pg_schema, "lessons") == LESSONS
    assert await _count(pg_pool, pg_schema, "staged_records") == 0
    async with pg_pool.acquire() as conn:
        batches = await conn.fetch(
            f'SELECT batch_id, status, drift_missing FROM "{pg_schema}".batches'
        )
    assert [(b["batch_id"], b["status"], b["drift_missing"]) for b in batches] == [
        (batch.manifest.batch_id, "applied", LESSONS)
    ]
