"""The diary's projection on real servers: batches staged, verified, applied or rejected."""

from __future__ import annotations

import asyncio
import datetime as dt
import json

import pytest

from contracts.diary import ClassScope, PupilScope, record_digest
from contracts.streams import DIARY
from tests.support.diary import (
    FeedWriter,
    absence,
    class_record,
    envelope,
    lesson_record,
    mark,
    school_record,
)
from tests.support.diary_served import ANNA, BORIS, diary_projector
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration

MONDAY = dt.date(2026, 9, 7)


async def rows(pool, sql: str, *args) -> list[tuple]:
    async with pool.acquire() as conn:
        return [tuple(r.values()) for r in await conn.fetch(sql, *args)]


async def current(pool) -> dict[tuple[str, str], tuple[int, str]]:
    found = await rows(pool, "SELECT kind, record_id, seq, digest FROM records")
    return {(k, i): (s, d) for k, i, s, d in found}


async def batch_row(pool, batch_id: str) -> dict:
    async with pool.acquire() as conn:
        row = await conn.fetchrow("SELECT * FROM batches WHERE batch_id = $1", batch_id)
    assert row is not None, f"batch {batch_id} not decided"
    return dict(row)


def starter() -> list:
    return [
        school_record(),
        class_record(
            members=[(ANNA, dt.date(2026, 9, 1), None), (BORIS, dt.date(2026, 9, 1), None)]
        ),
        lesson_record(
            "l1",
            MONDAY,
            marks=[mark(ANNA, "5"), mark(BORIS, "3")],
            absences=[absence(BORIS, "late")],
        ),
    ]


async def test_a_delta_applies_and_explodes_into_read_rows(js, pg_pool, diary):
    feed = FeedWriter(js)
    batch = feed.batch(starter())
    await feed.publish(batch)
    await diary.drain()

    assert (await batch_row(pg_pool, batch.manifest.batch_id))["status"] == "applied"
    state = await current(pg_pool)
    assert state == {(r.record_kind, r.record_id): (r.seq, record_digest(r)) for r in batch.records}
    assert await rows(pg_pool, "SELECT lesson_id, subject_id, date FROM lessons") == [
        ("l1", "math", MONDAY)
    ]
    assert sorted(await rows(pg_pool, "SELECT pupil, value FROM marks")) == sorted(
        [(ANNA, "5"), (BORIS, "3")]
    )
    assert await rows(pg_pool, "SELECT pupil, kind, minutes_late FROM absences") == [
        (BORIS, "late", 10)
    ]
    assert len(await rows(pg_pool, "SELECT * FROM class_members")) == 2
    assert len(await rows(pg_pool, "SELECT * FROM periods")) == 2
    assert len(await rows(pg_pool, "SELECT * FROM subjects")) == 3
    assert await rows(pg_pool, "SELECT count(*) FROM staged_records") == [(0,)]


async def test_a_batch_without_its_manifest_is_never_visible(js, pg_pool, diary):
    feed = FeedWriter(js)
    batch = feed.batch(starter())
    for record in batch.records:
        await feed.publish_record(record)
    await diary.drain()

    assert await current(pg_pool) == {}
    assert await rows(pg_pool, "SELECT count(*) FROM lessons") == [(0,)]
    assert await rows(pg_pool, "SELECT count(*) FROM staged_records") == [(3,)]


async def test_records_of_an_abandoned_batch_go_once_a_later_batch_is_decided(js, pg_pool, diary):
    feed = FeedWriter(js)
    abandoned = feed.batch(starter())
    for record in abandoned.records:  # the run was killed before its manifest
        await feed.publish_record(record)
    await diary.drain()
    async with pg_pool.acquire() as conn:  # as if staged two hours ago
        await conn.execute("UPDATE staged_records SET staged_at = now() - interval '2 hours'")
    await feed.publish(feed.batch(starter()))  # the next run's batch
    await diary.drain()

    assert await rows(pg_pool, "SELECT count(*) FROM staged_records") == [(0,)]
    assert len(await current(pg_pool)) == 3


@pytest.mark.parametrize("fault", ["count", "checksum"])
async def test_a_manifest_that_does_not_match_is_rejected_and_changes_nothing(
    js, pg_pool, diary, fault
):
    feed = FeedWriter(js)
    await feed.publish(feed.batch(starter()))
    await diary.drain()
    before = await current(pg_pool)

    changed = lesson_record("l1", MONDAY, seq=20, marks=[mark(ANNA, "2")])
    batch = feed.batch([changed, lesson_record("l2", MONDAY, slot=2, seq=21)])
    if fault == "count":
        manifest = batch.manifest.model_copy(update={"records": 3})
        expected_reason = "missing_records: expected 3, staged 2"
    else:
        manifest = batch.manifest.model_copy(update={"checksum": "0" * 64})
        expected_reason = "checksum_mismatch"
    for record in batch.records:
        await feed.publish_record(record)
    await feed.publish_manifest(manifest)
    await diary.drain()

    decided = await batch_row(pg_pool, batch.manifest.batch_id)
    assert (decided["status"], decided["reason"]) == ("rejected", expected_reason)
    assert await current(pg_pool) == before
    assert await rows(pg_pool, "SELECT value FROM marks WHERE pupil = $1", ANNA) == [("5",)]
    assert await rows(pg_pool, "SELECT count(*) FROM staged_records") == [(0,)]


async def test_a_corrupted_record_is_dead_lettered_its_batch_rejected_and_a_later_batch_applies(
    js, pg_pool, diary
):
    feed = FeedWriter(js)
    bad = feed.batch(starter())
    await feed.publish_record(bad.records[0])
    await feed.publish_record(bad.records[1], body=b"{not json")
    await feed.publish_record(bad.records[2])
    await feed.publish_manifest(bad.manifest)
    # An envelope that parses but whose record is invalid (a pupil that is no pseudonym).
    invalid = feed.batch([lesson_record("l9", MONDAY, seq=30)])
    body = json.loads((await _body(feed, invalid.records[0])).decode())
    body["data"]["marks"] = [
        {"mark_id": "m1", "pupil": "Ivanov", "value": "5", "work_kind_id": "answer", "weight": "1"}
    ]
    await feed.publish_record(invalid.records[0], body=json.dumps(body).encode())
    await feed.publish_manifest(invalid.manifest)
    good = feed.batch([school_record(seq=40), lesson_record("l3", MONDAY, seq=41)])
    await feed.publish(good)
    await diary.drain()

    assert await rows(pg_pool, "SELECT count(*) FROM dead_letters") == [(2,)]
    first = await batch_row(pg_pool, bad.manifest.batch_id)
    assert (first["status"], first["reason"]) == (
        "rejected",
        "missing_records: expected 3, staged 2",
    )
    second = await batch_row(pg_pool, invalid.manifest.batch_id)
    assert (second["status"], second["reason"]) == (
        "rejected",
        "missing_records: expected 1, staged 0",
    )
    assert (await batch_row(pg_pool, good.manifest.batch_id))["status"] == "applied"
    assert set(await current(pg_pool)) == {("school", "s1"), ("lesson", "l3")}


async def _body(feed: FeedWriter, record) -> bytes:
    return envelope(record, feed.school, feed.year).model_dump_json().encode()


async def test_redelivery_and_duplicate_publication_never_double(js, pg_pool, diary):
    feed = FeedWriter(js)
    batch = feed.batch(starter())
    await feed.publish(batch)
    await diary.drain()
    # Published again under new message ids (as after the broker's duplicate window): new
    # stream messages with the same records and manifest.
    for record in batch.records:
        await feed.js.publish(
            f"dry.2026.s1.{record.record_kind}.{record.record_id}",
            await _body(feed, record),
            stream=DIARY.name,
            headers={
                "Event-Type": record.event_type,
                "Schema-Version": "1",
                "Nats-Msg-Id": f"again-{record.index}",
            },
        )
    await feed.js.publish(
        f"dry.2026.s1.batch.{batch.manifest.batch_id}",
        (await _manifest_body(feed, batch.manifest)),
        stream=DIARY.name,
        headers={
            "Event-Type": batch.manifest.event_type,
            "Schema-Version": "1",
            "Nats-Msg-Id": "again-manifest",
        },
    )
    await diary.drain()

    assert len(await current(pg_pool)) == 3
    assert len(await rows(pg_pool, "SELECT * FROM marks")) == 2
    assert await rows(pg_pool, "SELECT count(*) FROM batches") == [(1,)]
    assert await rows(pg_pool, "SELECT count(*) FROM staged_records") == [(0,)]


async def _manifest_body(feed: FeedWriter, manifest) -> bytes:
    return envelope(manifest, feed.school, feed.year).model_dump_json().encode()


async def test_an_older_record_after_a_newer_one_changes_nothing(js, pg_pool, diary):
    feed = FeedWriter(js)
    await feed.publish(feed.batch(starter()))
    newer = lesson_record("l1", MONDAY, seq=50, marks=[mark(ANNA, "4")])
    await feed.publish(feed.batch([newer]))
    older = lesson_record("l1", MONDAY, seq=30, marks=[mark(ANNA, "2")])
    await feed.publish(feed.batch([older]))
    await diary.drain()

    assert (await current(pg_pool))[("lesson", "l1")] == (50, record_digest(newer))
    assert await rows(pg_pool, "SELECT pupil, value FROM marks") == [(ANNA, "4")]


async def test_a_full_batch_replaces_state_and_reports_exact_drift(js, pg_pool, diary):
    feed = FeedWriter(js)
    await feed.publish(
        feed.batch(
            [
                school_record(seq=1),
                class_record(seq=2, members=[(ANNA, dt.date(2026, 9, 1), None)]),
                lesson_record("l1", MONDAY, seq=3, marks=[mark(ANNA, "5", mark_id="m1")]),
                lesson_record("l2", MONDAY, slot=2, seq=4),
                lesson_record("l3", MONDAY, slot=3, seq=5),
                lesson_record("l-late", MONDAY, slot=4, seq=90),  # after the full's cut
            ]
        )
    )
    full = feed.batch(
        [
            school_record(seq=1),  # same
            class_record(seq=2, members=[(ANNA, dt.date(2026, 9, 1), None)]),  # same
            lesson_record("l1", MONDAY, seq=3, marks=[mark(ANNA, "4", mark_id="m1")]),  # different
            lesson_record("l4", MONDAY, slot=5, seq=6),  # missing
            lesson_record("l5", MONDAY, slot=6, seq=7),  # missing
        ],
        kind="full",
        to_seq=80,
    )
    await feed.publish(full)
    await diary.drain()

    decided = await batch_row(pg_pool, full.manifest.batch_id)
    assert decided["status"] == "applied"
    drift = {k: decided[f"drift_{k}"] for k in ("missing", "extra", "different", "same")}
    assert drift == {"missing": 2, "extra": 2, "different": 1, "same": 2}
    assert set(await current(pg_pool)) == {
        ("school", "s1"),
        ("class", "5a"),
        ("lesson", "l1"),
        ("lesson", "l4"),
        ("lesson", "l5"),
        ("lesson", "l-late"),  # newer than to_seq: survives
    }
    assert sorted(await rows(pg_pool, "SELECT lesson_id FROM lessons")) == [
        ("l-late",),
        ("l1",),
        ("l4",),
        ("l5",),
    ]
    assert await rows(pg_pool, "SELECT value FROM marks") == [("4",)]


async def test_a_full_batch_applied_twice_finds_no_drift_the_second_time(js, pg_pool, diary):
    feed = FeedWriter(js)
    records = starter()
    await feed.publish(feed.batch(records, kind="full"))
    second = feed.batch(records, kind="full")
    await feed.publish(second)
    await diary.drain()

    decided = await batch_row(pg_pool, second.manifest.batch_id)
    assert (decided["drift_missing"], decided["drift_extra"], decided["drift_different"]) == (
        0,
        0,
        0,
    )
    assert decided["drift_same"] == 3


def lessons_with_a_mark(count: int, value: str) -> list:
    """The school and `count` lessons on Monday, each with Anna's mark `value`."""
    return [school_record()] + [
        lesson_record(f"l{i}", MONDAY, slot=1 + i % 8, seq=10 + i, marks=[mark(ANNA, value)])
        for i in range(count)
    ]


async def drain_a_restarted_projector(js, pool) -> None:
    """A new projector on the same schema (as after a restart) drains the stream and stops."""
    restarted = diary_projector(js, pool)
    await restarted.drain()
    await restarted.close()


async def test_stopping_after_half_a_batch_then_restarting_applies_it_once_whole(
    js, pg_pool, diary
):
    feed = FeedWriter(js)
    batch = feed.batch(lessons_with_a_mark(40, "5"))
    for record in batch.records[:20]:
        await feed.publish_record(record)
    await diary.drain()
    await diary.close()
    assert await rows(pg_pool, "SELECT count(*) FROM staged_records") == [(20,)]
    assert await current(pg_pool) == {}

    for record in batch.records[20:]:
        await feed.publish_record(record)
    await feed.publish_manifest(batch.manifest)
    await drain_a_restarted_projector(js, pg_pool)

    assert (await batch_row(pg_pool, batch.manifest.batch_id))["status"] == "applied"
    assert len(await current(pg_pool)) == 41
    assert await rows(pg_pool, "SELECT count(*) FROM marks") == [(40,)]
    assert await rows(pg_pool, "SELECT count(*) FROM staged_records") == [(0,)]


async def test_a_cancelled_apply_rolls_back_and_the_batch_applies_once_on_restart(
    js, pg_pool, diary
):
    feed = FeedWriter(js)
    batch = feed.batch(lessons_with_a_mark(300, "4"))
    await feed.publish(batch)

    # Cancel the first run once it has started: wherever it stops, nothing half-done stays.
    task = asyncio.create_task(diary.run())
    await eventually(lambda: _assert(diary.status().running))
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await drain_a_restarted_projector(js, pg_pool)

    assert await rows(pg_pool, "SELECT count(*) FROM batches") == [(1,)]
    assert len(await current(pg_pool)) == 301
    assert await rows(pg_pool, "SELECT count(*) FROM marks") == [(300,)]


async def test_grants_apply_and_revoke(js, pg_pool, diary):
    feed = FeedWriter(js)
    await feed.grant("g1", 101, PupilScope(pupil=ANNA, relation="parent"))
    await feed.grant("g2", 202, ClassScope(class_id="5a", subject_id="math"))
    await feed.grant("g2", 202, ClassScope(class_id="5a", subject_id="math"))  # duplicate
    await feed.revoke("g1", 101, "withdrawn")
    await diary.drain()

    assert sorted(
        await rows(
            pg_pool,
            "SELECT grant_id, uid, scope_kind, pupil, relation, class_id, subject_id, "
            "revoked_at IS NOT NULL, revoke_reason FROM grants",
        )
    ) == [
        ("g1", 101, "pupil", ANNA, "parent", None, None, True, "withdrawn"),
        ("g2", 202, "class", None, None, "5a", "math", False, None),
    ]


async def test_a_grant_given_again_after_its_revocation_is_live_again_per_school_year(
    js, pg_pool, diary
):
    scope = ClassScope(class_id="5a", subject_id="math")
    feed, next_year = FeedWriter(js), FeedWriter(js, year=2027)
    await feed.grant("g2", 202, scope)
    await feed.revoke("g2", 202, "unassigned")
    await feed.grant("g2", 202, scope)  # the assignment is given back
    await next_year.grant("g2", 202, scope)  # the same teacher and scope the next year
    await next_year.revoke("g2", 202, "unassigned")  # ends the next year's grant only
    await diary.drain()

    assert sorted(
        await rows(pg_pool, "SELECT year, grant_id, revoked_at IS NULL, revoke_reason FROM grants")
    ) == [(2026, "g2", True, None), (2027, "g2", False, "unassigned")]


def _assert(condition: bool) -> None:
    assert condition


async def test_interleaved_batches_of_two_schools_apply_each_to_its_own_school(js, pg_pool, diary):
    first, second = FeedWriter(js, school="s1"), FeedWriter(js, school="s2")
    one = first.batch([school_record("s1"), lesson_record("l1", MONDAY)], kind="full")
    two = second.batch([school_record("s2"), lesson_record("l1", MONDAY, topic="Другая")])
    for a, b in zip(one.records, two.records, strict=True):
        await first.publish_record(a)
        await second.publish_record(b)
    await second.publish_manifest(two.manifest)
    await first.publish_manifest(one.manifest)
    await diary.drain()

    assert (await batch_row(pg_pool, one.manifest.batch_id))["drift_extra"] == 0
    assert sorted(await rows(pg_pool, "SELECT school, lesson_id, topic FROM lessons")) == [
        ("s1", "l1", "Дроби"),
        ("s2", "l1", "Другая"),
    ]
