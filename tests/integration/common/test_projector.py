"""The projection runner on a real nats-server and PostgreSQL, with a tiny counting projection."""

from __future__ import annotations

import asyncio
import json
import random
import uuid
from collections import Counter
from pathlib import Path

import pytest

from contracts.base import Event
from contracts.journal import LessonHeld, TopicSet
from contracts.streams import JOURNAL
from services.common.db import migrate
from services.common.eventstore import Version, encode, headers_for
from services.common.projector import Projected, Projector
from services.common.projector_rebuild import REBUILD_PROGRESS
from tests.support.projectors import journal_projector
from tests.support.stored_events import envelope_of
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration

SCHEMA_SQL = """
CREATE TABLE counts (subject text PRIMARY KEY, n bigint NOT NULL, last_seq bigint NOT NULL);
CREATE TABLE applied (seq bigint PRIMARY KEY, subject text NOT NULL, event_type text NOT NULL);
"""
POISON = "poison"


class CountPerSubject:
    """Counts events per subject (not idempotent: applying twice would show) and logs them."""

    name = "test_counts_v1"

    async def apply(self, conn, batch):
        if any(isinstance(p.event, TopicSet) and p.event.topic == POISON for p in batch):
            raise ValueError("the fold refuses this topic")
        counts: Counter[str] = Counter(p.stored.subject for p in batch)
        last = {p.stored.subject: p.stored.seq for p in batch}
        await conn.executemany(
            "INSERT INTO counts AS c (subject, n, last_seq) VALUES ($1, $2, $3)"
            " ON CONFLICT (subject)"
            " DO UPDATE SET n = c.n + excluded.n, last_seq = excluded.last_seq",
            [(s, n, last[s]) for s, n in counts.items()],
        )
        await conn.executemany(
            "INSERT INTO applied (seq, subject, event_type) VALUES ($1, $2, $3)",
            [(p.stored.seq, p.stored.subject, p.stored.envelope.event_type) for p in batch],
        )


@pytest.fixture
def migrations(tmp_path: Path) -> Path:
    directory = tmp_path / "migrations"
    directory.mkdir()
    (directory / "0001_counts.sql").write_text(SCHEMA_SQL)
    return directory


@pytest.fixture
async def schema(pg_pool, pg_schema, migrations) -> str:
    await migrate(pg_pool, pg_schema, migrations)
    return pg_schema


def make_projector(js, pool, *, batch_size=50, cls=Projector, projection=None) -> Projector:
    projection = projection or CountPerSubject()
    return journal_projector(
        js, pool, projection, cls=cls, batch_size=batch_size, fetch_timeout=0.5
    )


def lesson_subject(n: int) -> str:
    return f"jrn.2026.s1.5a.lesson.l{n}"


async def publish(js, subject: str, event: Event | None = None) -> int:
    env = envelope_of(event or LessonHeld())
    headers = headers_for(env, expected=Version(), msg_id=str(uuid.uuid4()))
    del headers["Nats-Expected-Last-Subject-Sequence"]  # tests publish many events per subject
    ack = await js.publish(subject, encode(env), stream=JOURNAL.name, headers=headers)
    return ack.seq


async def publish_many(js, count: int, subjects: int = 7) -> list[int]:
    return [await publish(js, lesson_subject(i % subjects)) for i in range(count)]


def table(name: str, schema: str | None) -> str:
    """A table of the live schema (through search_path) or of another one, e.g. a rebuild."""
    return f'"{schema}".{name}' if schema else name


async def counts(pool, schema: str | None = None) -> dict[str, tuple[int, int]]:
    sql = f"SELECT subject, n, last_seq FROM {table('counts', schema)} ORDER BY subject"
    return {r["subject"]: (r["n"], r["last_seq"]) for r in await pool.fetch(sql)}


async def checkpoint(pool, schema: str | None = None) -> int:
    sql = f"SELECT last_seq FROM {table('projection_checkpoints', schema)} WHERE name = $1"
    return await pool.fetchval(sql, CountPerSubject.name)


async def dead_letters(pool, schema: str | None = None) -> list[dict]:
    columns = "projection, stream_seq, subject, event_type, reason, body, headers"
    sql = f"SELECT {columns} FROM {table('dead_letters', schema)} ORDER BY stream_seq"
    return [dict(r) for r in await pool.fetch(sql)]


async def table_rows(pool, schema: str, name: str, order: str) -> list[tuple]:
    sql = f"SELECT * FROM {table(name, schema)} ORDER BY {order}"
    return [tuple(r) for r in await pool.fetch(sql)]


async def test_applies_events_in_order_and_moves_the_checkpoint(js, pg_pool, schema):
    seqs = await publish_many(js, 120)
    projector = make_projector(js, pg_pool, batch_size=50)

    assert await projector.drain() == seqs[-1]

    assert await checkpoint(pg_pool) == seqs[-1]
    applied = [r["seq"] for r in await pg_pool.fetch("SELECT seq FROM applied ORDER BY seq")]
    assert applied == seqs
    assert sum(n for n, _ in (await counts(pg_pool)).values()) == 120
    status = projector.status()
    assert (status.last_seq, status.events_applied, status.dead_letters) == (seqs[-1], 120, 0)
    assert status.batches >= 3  # at most 50 per batch
    await projector.close()


async def test_drain_while_running_waits_for_the_running_loop(js, pg_pool, schema):
    projector = make_projector(js, pg_pool, batch_size=10)
    async with projector.running():
        for round_ in range(5):
            seqs = await publish_many(js, 37)
            # Whatever the background loop has in hand, drain answers once it is committed.
            assert await projector.drain() == seqs[-1], round_
            assert await checkpoint(pg_pool) == seqs[-1]
            applied = await pg_pool.fetchval("SELECT count(*) FROM applied")
            assert applied == 37 * (round_ + 1)


async def test_a_new_runner_resumes_after_the_checkpoint(js, pg_pool, schema):
    await publish_many(js, 30)
    first = make_projector(js, pg_pool)
    await first.drain()
    await first.close()
    later = await publish_many(js, 10)

    second = make_projector(js, pg_pool)
    assert await second.drain() == later[-1]

    assert second.status().events_applied == 10
    assert sum(n for n, _ in (await counts(pg_pool)).values()) == 40
    await second.close()


class StartsFromTheBeginning(Projector):
    """A runner whose consumer starts at sequence 1 whatever the checkpoint: all redeliveries."""

    def _start_seq(self, checkpoint: int) -> int:
        return 1


async def test_redelivered_batches_change_nothing(js, pg_pool, schema):
    await publish_many(js, 60)
    projector = make_projector(js, pg_pool)
    await projector.drain()
    await projector.close()
    before = await counts(pg_pool)
    new = await publish(js, "jrn.2026.s1.5a.lesson.new")

    stale = make_projector(js, pg_pool, cls=StartsFromTheBeginning)
    assert await stale.drain() == new

    assert await counts(pg_pool) == {**before, "jrn.2026.s1.5a.lesson.new": (1, new)}
    assert stale.status().events_applied == 1
    assert stale.status().batches >= 2  # the 60 old events did come again
    await stale.close()


async def test_undecodable_messages_become_dead_letters_and_later_events_apply(js, pg_pool, schema):
    await publish(js, lesson_subject(1))
    not_json = (await js.publish(lesson_subject(2), b"\x00not json\xff")).seq
    unknown = envelope_of(LessonHeld()).model_copy(update={"event_type": "journal.Nope"})
    unknown_seq = (await js.publish(lesson_subject(3), encode(unknown))).seq
    invalid = envelope_of(TopicSet(topic="ok")).model_copy(update={"data": {"topic": ""}})
    invalid_seq = (
        await js.publish(lesson_subject(4), encode(invalid), headers={"Event-Type": "x"})
    ).seq
    last = await publish(js, lesson_subject(5))
    projector = make_projector(js, pg_pool)

    assert await projector.drain() == last

    letters = await dead_letters(pg_pool)
    assert [d["stream_seq"] for d in letters] == [not_json, unknown_seq, invalid_seq]
    assert "CorruptEvent" in letters[0]["reason"]
    assert letters[0]["body"].startswith("\\x00not json")
    assert "UnknownEventType" in letters[1]["reason"]
    assert letters[1]["event_type"] is None
    assert "ValidationError" in letters[2]["reason"]
    assert json.loads(letters[2]["headers"]) == {"Event-Type": "x"}
    assert set(await counts(pg_pool)) == {lesson_subject(1), lesson_subject(5)}
    assert projector.status().dead_letters == 3
    await projector.close()


async def test_a_poison_event_is_dead_lettered_and_the_rest_applied(js, pg_pool, schema):
    before = await publish_many(js, 5)
    poison = await publish(js, lesson_subject(9), TopicSet(topic=POISON))
    after = await publish_many(js, 5)
    projector = make_projector(js, pg_pool, batch_size=100)

    assert await projector.drain() == after[-1]

    letters = await dead_letters(pg_pool)
    assert [(d["stream_seq"], d["event_type"]) for d in letters] == [(poison, "journal.TopicSet")]
    assert "ValueError: the fold refuses this topic" in letters[0]["reason"]
    applied = [r["seq"] for r in await pg_pool.fetch("SELECT seq FROM applied ORDER BY seq")]
    assert applied == before + after
    await projector.close()


class Crash(BaseException):
    """A killed process: nothing in the runner catches a BaseException."""


class CrashesAfterCommit(Projector):
    """Dies between the commit of its first batch and the ack."""

    async def _ack(self, msg) -> None:
        raise Crash


async def test_a_crash_between_commit_and_ack_then_restart_gives_the_same_rows(
    js, pg_pool, schema, migrations
):
    seqs = await publish_many(js, 40)
    crashing = make_projector(js, pg_pool, batch_size=15, cls=CrashesAfterCommit)
    with pytest.raises(Crash):
        await crashing.drain()
    await crashing.close()
    committed = await checkpoint(pg_pool)
    assert seqs[0] <= committed <= seqs[14]

    restarted = make_projector(js, pg_pool, batch_size=15)
    assert await restarted.drain() == seqs[-1]

    reference = f"{schema}_reference"
    await make_projector(js, pg_pool).rebuild_into(reference, migrations)
    assert await counts(pg_pool) == await counts(pg_pool, reference)
    await restarted.close()


async def test_cancelling_the_runner_at_random_points_loses_and_repeats_nothing(
    js, pg_pool, schema, migrations
):
    seqs = await publish_many(js, 400, subjects=13)
    rng = random.Random(7)
    for target in sorted(rng.sample(range(1, 390), 6)):
        projector = make_projector(js, pg_pool, batch_size=rng.randint(3, 40))
        task = asyncio.create_task(projector.run())

        async def past_target(target: int = target) -> None:
            assert (await checkpoint(pg_pool) or 0) >= target

        # Cancel wherever the runner happens to be once it got past the target.
        await eventually(past_target, timeout=10, interval=rng.uniform(0.001, 0.02))
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    finisher = make_projector(js, pg_pool)
    assert await finisher.drain() == seqs[-1]

    reference = f"{schema}_reference"
    await make_projector(js, pg_pool).rebuild_into(reference, migrations)
    assert await counts(pg_pool) == await counts(pg_pool, reference)
    assert sum(n for n, _ in (await counts(pg_pool)).values()) == 400
    await finisher.close()


async def test_rebuild_into_equals_the_live_tables_row_for_row(js, pg_pool, schema, migrations):
    await publish_many(js, 150, subjects=11)
    await js.publish(lesson_subject(3), b"garbage")
    await publish(js, lesson_subject(4), TopicSet(topic=POISON))
    await publish_many(js, 20)
    projector = make_projector(js, pg_pool, batch_size=40)
    last = await projector.drain()
    copy = f"{schema}_copy"

    result = await make_projector(js, pg_pool, batch_size=64).rebuild_into(copy, migrations)

    assert (result.schema, result.last_seq, result.events_applied) == (copy, last, 170)
    assert result.dead_letters == 2
    for name, order in [("counts", "subject"), ("applied", "seq")]:
        assert await table_rows(pg_pool, copy, name, order) == await table_rows(
            pg_pool, schema, name, order
        )
    assert await dead_letters(pg_pool, copy) == await dead_letters(pg_pool, schema)
    assert await checkpoint(pg_pool, copy) == await checkpoint(pg_pool, schema) == last
    await projector.close()


async def test_a_rebuild_cancelled_at_random_points_resumes_where_it_stopped(
    js, pg_pool, schema, migrations
):
    seqs = await publish_many(js, 400, subjects=11)
    copy = f"{schema}_copy"
    await migrate(pg_pool, copy, migrations)  # so that its checkpoint can be watched
    rng = random.Random(11)
    applied = 0
    for target in sorted(rng.sample(range(1, 390), 5)):
        projector = make_projector(js, pg_pool, batch_size=rng.randint(5, 30))
        rebuilding = asyncio.create_task(projector.rebuild_into(copy, migrations))

        async def past_target(target: int = target) -> None:
            assert (await checkpoint(pg_pool, copy) or 0) >= seqs[target]

        # Batches are written while the next ones are read: cancel wherever the rebuild is.
        await eventually(past_target, timeout=15, interval=rng.uniform(0.001, 0.01))
        rebuilding.cancel()
        with pytest.raises(asyncio.CancelledError):
            await rebuilding
        applied = sum(n for n, _ in (await counts(pg_pool, copy)).values())
        assert applied == len([s for s in seqs if s <= await checkpoint(pg_pool, copy)])

    result = await make_projector(js, pg_pool).rebuild_into(copy, migrations)

    assert (result.last_seq, result.events_applied + applied) == (seqs[-1], 400)
    reference = f"{schema}_reference"
    await make_projector(js, pg_pool).rebuild_into(reference, migrations)
    for name, order in [("counts", "subject"), ("applied", "seq")]:
        assert await table_rows(pg_pool, copy, name, order) == await table_rows(
            pg_pool, reference, name, order
        )


async def test_rebuild_swaps_in_while_the_runner_keeps_going(js, pg_pool, schema, migrations):
    await publish_many(js, 200)
    live = make_projector(js, pg_pool, batch_size=30)
    task = asyncio.create_task(live.run())
    try:
        await publish_many(js, 50)
        result = await make_projector(js, pg_pool, batch_size=100).rebuild(schema, migrations)
        assert (result.schema, result.last_seq) == (schema, 250)
        later = await publish_many(js, 25)

        async def everything_applied() -> None:
            assert await checkpoint(pg_pool) == later[-1]
            assert sum(n for n, _ in (await counts(pg_pool)).values()) == 275

        await eventually(everything_applied, timeout=15)
    finally:
        live.stop()
        await task
    applied = [r["seq"] for r in await pg_pool.fetch("SELECT seq FROM applied ORDER BY seq")]
    assert applied == list(range(1, 276))
    leftovers = await pg_pool.fetch(
        "SELECT nspname FROM pg_namespace WHERE nspname LIKE $1 || '\\_%'", schema
    )
    assert leftovers == []


async def test_a_rebuild_tells_whoever_follows_it_how_far_it_has_come(
    js, pg_pool, schema, migrations
):
    seqs = await publish_many(js, 120)
    reports: list[tuple[str, int, int]] = []
    following = REBUILD_PROGRESS.set(lambda *report: reports.append(report))
    try:
        projector = make_projector(js, pg_pool, batch_size=25)
        await projector.rebuild(schema, migrations)
    finally:
        REBUILD_PROGRESS.reset(following)

    names = {name for name, _, _ in reports}
    done = [applied for _, applied, _ in reports]
    assert names == {projector.name}
    assert {total for _, _, total in reports} == {seqs[-1]}
    assert (done[0], done[-1]) == (0, seqs[-1])
    assert done == sorted(done)
    assert len(done) >= 1 + 120 // 25


async def test_a_rebuilt_schema_is_swapped_in_with_its_statistics(js, pg_pool, schema, migrations):
    # Without them the planner guesses until autovacuum analyzes the tables, a minute later:
    # a monthly check's report ran past its 10 s deadline on the demo after a rebuild.
    await publish_many(js, 50)

    await make_projector(js, pg_pool).rebuild(schema, migrations)

    analyzed = await pg_pool.fetchval(
        "SELECT count(*) FROM pg_stats WHERE schemaname = $1 AND tablename = 'counts'", schema
    )
    assert analyzed > 0


async def test_a_runner_resyncs_when_a_swap_moves_its_checkpoint(js, pg_pool, schema, migrations):
    seqs = await publish_many(js, 120)
    live = make_projector(js, pg_pool, batch_size=25)
    task = asyncio.create_task(live.run())
    try:

        async def caught_up() -> None:
            assert await checkpoint(pg_pool) == seqs[-1]

        await eventually(caught_up)
        # Swap in a projection that stops earlier than the live runner got.
        await make_projector(js, pg_pool).rebuild(schema, migrations, until=seqs[59])
        later = await publish_many(js, 10)

        async def everything_applied() -> None:
            assert await checkpoint(pg_pool) == later[-1]

        await eventually(everything_applied, timeout=15)
    finally:
        live.stop()
        await task
    assert live.status().resyncs >= 1
    applied = [r["seq"] for r in await pg_pool.fetch("SELECT seq FROM applied ORDER BY seq")]
    assert applied == seqs + later
    assert sum(n for n, _ in (await counts(pg_pool)).values()) == 130


async def test_status_reports_pending_and_dead_letters(js, pg_pool, schema):
    await publish_many(js, 10)
    await js.publish(lesson_subject(1), b"{}")
    projector = make_projector(js, pg_pool, batch_size=4)

    await projector.run_until(4)

    # A fetch may hand over fewer messages than the batch size, so the batches need not end at 4.
    status = projector.status()
    assert 4 <= status.last_seq < 11
    assert status.pending == 11 - status.last_seq
    described = await projector.describe()
    assert (described.stream_last_seq, described.last_seq) == (11, status.last_seq)
    await projector.drain()
    assert projector.status().dead_letters == 1
    await projector.close()


async def test_projected_carries_the_stored_event_and_the_model(js, pg_pool, schema):
    seen: list[Projected] = []

    class Recorder(CountPerSubject):
        async def apply(self, conn, batch):
            seen.extend(batch)

    seq = await publish(js, lesson_subject(1), TopicSet(topic="Fractions"))
    projector = make_projector(js, pg_pool, projection=Recorder())
    await projector.drain()

    [projected] = seen
    assert projected.stored.seq == seq
    assert projected.stored.subject == lesson_subject(1)
    assert projected.event == TopicSet(topic="Fractions")
    assert projected.stored.recorded_at.tzinfo is not None
    await projector.close()
