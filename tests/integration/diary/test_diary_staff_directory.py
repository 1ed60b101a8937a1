"""The staff directory in the diary's projection, on real servers: the record is applied like
any record, exploded into `staff_directory`, joined to the lessons as `teacher_name`, replaced
by a newer one, removed by a full batch without it; a rebuild from sequence 1 equals the live
tables; a directory record carrying a full name is refused at the door."""

from __future__ import annotations

import datetime as dt

import pytest

from contracts.diary import DirectoryTeacher, StaffDirectoryRecord
from services.common.db import PROJECTOR_MIGRATIONS
from services.diary.adapters.diary_reads import PgDiaryReads
from services.diary.bootstrap import MIGRATIONS
from tests.support.diary import (
    FeedWriter,
    class_record,
    envelope,
    lesson_record,
    school_record,
)

pytestmark = pytest.mark.integration

MONDAY = dt.date(2026, 9, 7)
DIRECTORY_ROWS = "SELECT staff_id, short_name, subjects FROM staff_directory ORDER BY staff_id"


def directory(*teachers: tuple[str, str, tuple[str, ...]], seq: int = 5) -> StaffDirectoryRecord:
    return StaffDirectoryRecord(
        batch_id="draft",
        index=0,
        seq=seq,
        school_id="s1",
        teachers=tuple(
            DirectoryTeacher(staff_id=s, short_name=n, subjects=subjects)
            for s, n, subjects in teachers
        ),
    )


async def rows(pool, sql: str) -> list[tuple]:
    async with pool.acquire() as conn:
        return [tuple(r.values()) for r in await conn.fetch(sql)]


def base() -> list:
    return [
        school_record(),
        class_record(),
        lesson_record("l1", MONDAY),
        lesson_record("l2", MONDAY, slot=2, subject_id="rus", teacher_id="t-rus", seq=11),
        lesson_record("l3", MONDAY, slot=3, subject_id="hist", teacher_id="t-sub", seq=12),
    ]


async def teacher_names(pool) -> dict[str, str | None]:
    found = await PgDiaryReads(pool).lessons("s1", 2026, ["5a"], (MONDAY, MONDAY))
    return {lesson.lesson_id: lesson.teacher_name for lesson in found.lessons}


async def test_the_directory_is_exploded_joined_to_lessons_replaced_and_removed(js, pg_pool, diary):
    feed = FeedWriter(js)
    first = directory(
        ("t-math", "Иванова А. В.", ("math",)), ("t-rus", "Петров О.", ("rus", "lit"))
    )
    await feed.publish(feed.batch([*base(), first]))
    await diary.drain()
    assert await rows(pg_pool, DIRECTORY_ROWS) == [
        ("t-math", "Иванова А. В.", ["math"]),
        ("t-rus", "Петров О.", ["rus", "lit"]),
    ]
    # A lesson held by someone the directory does not list shows no name.
    assert await teacher_names(pg_pool) == {"l1": "Иванова А. В.", "l2": "Петров О.", "l3": None}
    entries = await PgDiaryReads(pg_pool).staff_directory("s1", 2026)
    assert [(e.staff_id, e.subjects) for e in entries] == [
        ("t-math", ("math",)),
        ("t-rus", ("rus", "lit")),
    ]
    assert await PgDiaryReads(pg_pool).staff_directory("s1", 2027) == []

    # A newer directory replaces the whole of the older one (Петров no longer teaches).
    await feed.publish(feed.batch([directory(("t-math", "Смирнова А. В.", ("math",)), seq=30)]))
    await diary.drain()
    assert await rows(pg_pool, DIRECTORY_ROWS) == [("t-math", "Смирнова А. В.", ["math"])]
    assert await teacher_names(pg_pool) == {"l1": "Смирнова А. В.", "l2": None, "l3": None}

    # A full batch is authoritative for its year: a directory it lacks is removed.
    await feed.publish(feed.batch(base(), kind="full", to_seq=40))
    await diary.drain()
    assert await rows(pg_pool, DIRECTORY_ROWS) == []
    assert await rows(pg_pool, "SELECT count(*) FROM records WHERE kind = 'staff'") == [(0,)]


async def test_a_rebuild_from_sequence_one_equals_the_live_tables(js, pg_pool, pg_schema, diary):
    feed = FeedWriter(js)
    await feed.publish(feed.batch([*base(), directory(("t-math", "Иванова А. В.", ("math",)))]))
    await feed.publish(
        feed.batch(
            [
                directory(
                    ("t-sub", "Кузнецов П.", ("hist",)),
                    ("t-math", "Иванова А. В.", ("math",)),
                    seq=20,
                )
            ]
        )
    )
    await diary.drain()
    queries = (DIRECTORY_ROWS, "SELECT kind, record_id, seq, digest FROM records ORDER BY 1, 2")
    live = [await rows(pg_pool, q) for q in queries]
    assert live[0] == [
        ("t-math", "Иванова А. В.", ["math"]),
        ("t-sub", "Кузнецов П.", ["hist"]),
    ]
    names = await teacher_names(pg_pool)
    await diary.rebuild(pg_schema, PROJECTOR_MIGRATIONS, MIGRATIONS)
    assert [await rows(pg_pool, q) for q in queries] == live
    assert await teacher_names(pg_pool) == names


async def test_a_directory_record_with_a_full_name_is_dead_lettered_and_its_batch_rejected(
    js, pg_pool, diary
):
    feed = FeedWriter(js)
    honest = directory(("t-math", "Иванова А. В.", ("math",)))
    batch = feed.batch([honest])
    (record,) = batch.records
    data = record.model_dump(mode="json")
    data["teachers"][0]["short_name"] = "Иванова Анна Викторовна"
    body = envelope(record, feed.school, feed.year).model_copy(update={"data": data})
    await feed.publish_record(record, body=body.model_dump_json().encode())
    await feed.publish_manifest(batch.manifest)
    await diary.drain()
    assert await rows(pg_pool, "SELECT count(*) FROM dead_letters") == [(1,)]
    assert await rows(pg_pool, "SELECT status FROM batches") == [("rejected",)]
    assert await rows(pg_pool, DIRECTORY_ROWS) == []
