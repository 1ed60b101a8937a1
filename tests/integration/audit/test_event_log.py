"""The event log on real servers: every message of every stream lands once, with its recording
time and chain header; redelivery, restart and rebuild apply nothing twice; an undecodable
message is a dead letter and still has its row."""

from __future__ import annotations

import json

import pytest

from contracts import subjects
from contracts.diary import AccessGranted, AccessRevoked, ClassScope
from contracts.enrollment import StaffUidRecorded
from contracts.envelope import HEADER_EVENT_TYPE, HEADER_MSG_ID, HEADER_SCHEMA_VERSION
from contracts.portal import ThreadRead
from contracts.streams import DIARY, ENROLLMENT, JOURNAL, PORTAL
from services.audit import bootstrap
from services.audit.adapters.event_log_pg import PgEventLog
from services.audit.adapters.event_log_projection import EventLogProjection
from services.audit.domain.log import UNDECODABLE_VERSION
from services.common.db import PROJECTOR_MIGRATIONS, migrate
from services.common.eventstore_jetstream import JetStreamEventStore
from services.common.keystore import KEEP_SEALED
from services.common.projector import Projector
from tests.support.audit import EXPORTER, append
from tests.support.running import log_caught_up, running_audit

pytestmark = pytest.mark.integration

STREAMS = (JOURNAL.name, ENROLLMENT.name, DIARY.name, PORTAL.name)


class StartsFromTheBeginning(Projector):
    """A runner whose consumer starts at sequence 1 whatever the checkpoint: all redeliveries."""

    def _start_seq(self, checkpoint: int) -> int:
        return 1


def projectors(js, pool, cls=Projector) -> list[Projector]:
    """The service's four event-log projectors, in small batches."""
    return [
        cls(
            js,
            pool,
            stream=spec.name,
            filter_subject=spec.subjects[0],
            registry=registry,
            projection=EventLogProjection(spec.name),
            batch_size=7,
            keys=KEEP_SEALED,
        )
        for spec, registry in bootstrap.LOGGED_STREAMS
    ]


async def feed_every_stream(js) -> None:
    """A few events on each stream, and one message no registry can read."""
    enrollment = JetStreamEventStore(js, ENROLLMENT.name)
    diary = JetStreamEventStore(js, DIARY.name)
    portal = JetStreamEventStore(js, PORTAL.name)
    await append(
        enrollment,
        subjects.enrollment_staff("s1", "t-math"),
        StaffUidRecorded(staff_id="t-math", uid=501),
    )
    scope = ClassScope(class_id="5a", subject_id="math")
    grant = AccessGranted(grant_id="g1", uid=501, scope=scope)
    await append(diary, subjects.diary_grant(2026, "s1", 501), grant, actor=EXPORTER)
    revoke = AccessRevoked(grant_id="g1", uid=501, reason="assignment-ended")
    await append(diary, subjects.diary_grant(2026, "s1", 501), revoke, actor=EXPORTER)
    await append(
        portal,
        subjects.portal("s1", "thread", "th1"),
        ThreadRead(thread_id="th1", uid=501, up_to=1),
    )
    headers = {HEADER_EVENT_TYPE: "portal.Unheard", HEADER_SCHEMA_VERSION: "1", HEADER_MSG_ID: "x1"}
    await js.publish(subjects.portal("s1", "thread", "th2"), b"{not json", headers=headers)


async def last_seqs(js) -> dict[str, int]:
    return {name: (await js.stream_info(name)).state.last_seq for name in STREAMS}


async def log_rows(pool, schema: str | None = None) -> list[tuple]:
    prefix = f'"{schema}".' if schema else ""
    rows = await pool.fetch(f"SELECT * FROM {prefix}event_log ORDER BY stream, seq")
    return [tuple(r) for r in rows]


async def drain(runners) -> None:
    for runner in runners:
        await runner.drain()
        await runner.close()


async def test_every_message_of_every_stream_lands_once(js, journal, pg_pool, pg_schema):
    await feed_every_stream(js)
    await migrate(pg_pool, pg_schema, PROJECTOR_MIGRATIONS, bootstrap.MIGRATIONS)

    await drain(projectors(js, pg_pool))

    ends = await last_seqs(js)
    counts = await pg_pool.fetch("SELECT stream, count(*), max(seq) FROM event_log GROUP BY stream")
    assert {r["stream"]: (r["count"], r["max"]) for r in counts} == {
        name: (last, last) for name, last in ends.items()
    }
    # The recording time is the server's, the chain header is the one written.
    msg = await js.get_msg(JOURNAL.name, ends[JOURNAL.name])
    row = await pg_pool.fetchrow(
        "SELECT recorded_at, prev_hash, subject FROM event_log"
        " WHERE stream = 'JOURNAL' AND seq = $1",
        ends[JOURNAL.name],
    )
    assert row["subject"] == msg.subject
    assert row["prev_hash"] == msg.headers["Prev-Hash"]
    assert abs((row["recorded_at"] - msg.time).total_seconds()) < 0.001  # microseconds in PG


async def test_an_undecodable_message_is_a_dead_letter_and_still_logged(
    js, journal, pg_pool, pg_schema
):
    await feed_every_stream(js)
    await migrate(pg_pool, pg_schema, PROJECTOR_MIGRATIONS, bootstrap.MIGRATIONS)

    await drain(projectors(js, pg_pool))

    last = (await last_seqs(js))[PORTAL.name]
    dead = await pg_pool.fetchrow("SELECT projection, reason FROM dead_letters")
    assert dead["projection"] == "audit_log_portal_v1"
    row = await pg_pool.fetchrow(
        "SELECT * FROM event_log WHERE stream = 'PORTAL' AND seq = $1", last
    )
    assert row["schema_version"] == UNDECODABLE_VERSION
    assert row["event_type"] == "portal.Unheard"
    assert row["school"] == "s1"
    assert row["actor_id"] is None
    assert row["recorded_at"] is not None
    assert json.loads(row["data"])["body"] == "{not json"
    log = PgEventLog(pg_pool)
    kept = [e async for e in log.events("s1", streams=[PORTAL.name])]
    with_raw = [e async for e in log.events("s1", streams=[PORTAL.name], include_undecodable=True)]
    assert [e.event_type for e in kept] == ["portal.ThreadRead"]
    assert [e.decodable for e in with_raw] == [True, False]


async def test_redelivery_restart_and_rebuild_apply_nothing_twice(js, journal, pg_pool, pg_schema):
    await feed_every_stream(js)
    await migrate(pg_pool, pg_schema, PROJECTOR_MIGRATIONS, bootstrap.MIGRATIONS)
    await drain(projectors(js, pg_pool))
    live = await log_rows(pg_pool)

    restarted = projectors(js, pg_pool)
    await drain(restarted)
    redelivered = projectors(js, pg_pool, cls=StartsFromTheBeginning)
    await drain(redelivered)

    assert [r.status().events_applied for r in (*restarted, *redelivered)] == [0] * 8
    assert await log_rows(pg_pool) == live
    assert await pg_pool.fetchval("SELECT count(*) FROM dead_letters") == 1
    copy = f"{pg_schema}_copy"
    for runner in projectors(js, pg_pool):
        await runner.rebuild_into(copy, PROJECTOR_MIGRATIONS, bootstrap.MIGRATIONS)
    assert await log_rows(pg_pool, copy) == live


async def test_events_filter_by_time_subject_and_stream(js, journal, pg_pool, pg_schema):
    await feed_every_stream(js)
    await migrate(pg_pool, pg_schema, PROJECTOR_MIGRATIONS, bootstrap.MIGRATIONS)
    await drain(projectors(js, pg_pool))
    log = PgEventLog(pg_pool)

    grants = [
        e async for e in log.events("s1", streams=[DIARY.name], subjects_like="dry.2026.s1.grant.%")
    ]
    assert [e.event_type for e in grants] == ["diary.AccessGranted", "diary.AccessRevoked"]
    assert grants[0].data["scope"] == {"kind": "class", "class_id": "5a", "subject_id": "math"}
    until = grants[0].recorded_at
    early = [e async for e in log.events("s1", streams=[DIARY.name], until=until)]
    assert [e.seq for e in early] == [grants[0].seq]
    everything = [e async for e in log.events("s1", streams=STREAMS)]
    assert [e.stream for e in everything] == sorted(e.stream for e in everything)
    assert [e async for e in log.events("other", streams=STREAMS)] == []


async def test_a_rebuild_of_the_whole_log_swaps_in_equal_rows_and_the_runners_go_on(
    js, journal, nats_url, database_url, pg_schema
):
    await feed_every_stream(js)
    async with running_audit(nats_url, database_url, pg_schema) as audit:
        await log_caught_up(audit, await last_seqs(js))
        pool = audit.runtime.pool
        live = await log_rows(pool)

        results = await bootstrap.rebuild_log(audit.runtime, pg_schema)

        assert sum(r.events_applied for r in results) == len(live) - 1  # the dead letter
        assert await log_rows(pool) == live
        more = JetStreamEventStore(js, ENROLLMENT.name)
        subject = subjects.enrollment_staff("s1", "t-rus")
        await append(more, subject, StaffUidRecorded(staff_id="t-rus", uid=502))
        await log_caught_up(audit, await last_seqs(js))
        after = await log_rows(pool)
        assert len(after) == len(live) + 1
