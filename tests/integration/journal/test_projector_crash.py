"""Killing the journal's projector process mid-batch (SIGKILL, repeatedly) and restarting it
gives the same journal view as an uninterrupted rebuild from sequence 1."""

from __future__ import annotations

import asyncio
import random

import pytest

import demo
from contracts.streams import JOURNAL
from demo import loader as demo_loader
from services.common.eventstore_jetstream import JetStreamEventStore
from services.journal.adapters.object_store import InMemoryFiles
from tests.support.journal import in_memory_deps
from tests.support.journal_view import assert_view_equals_a_rebuild, view_checkpoint
from tests.support.waiting import eventually
from tests.support.workers import start_worker, worker_env

pytestmark = pytest.mark.integration


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
            assert await view_checkpoint(pg_pool, pg_schema) > before

        # Kill at a random moment once the worker has committed something: mid-stream, not
        # before it started (the timing of a start varies with the machine's load).
        await eventually(progressed, timeout=60)
        await asyncio.sleep(rng.uniform(0.0, 0.2))
        worker.kill()  # SIGKILL: no chance to finish the batch or ack it
        await worker.wait()
        kills += 1
        checkpoint = await view_checkpoint(pg_pool, pg_schema)
    assert kills >= 2, "the worker finished before it could be killed twice"
    final = await start_worker("journal", env)
    try:

        async def caught_up():
            assert await view_checkpoint(pg_pool, pg_schema) == last_seq

        await eventually(caught_up, timeout=90)
    finally:
        final.terminate()
        await final.wait()

    live = await assert_view_equals_a_rebuild(js, pg_pool, pg_schema, key_store)
    assert all(rows for table, rows in live.items() if table != "assignments")
