"""Period marks and corrections after close in the diary's projection, on real servers: a
period-marks record is applied like any record, exploded into `period_marks`, replaced by a
newer one and removed by a full batch without it; the flags land in `lessons` and `marks`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from services.diary.adapters.diary_reads import PgDiaryReads
from tests.support.diary import (
    FeedWriter,
    class_record,
    lesson_record,
    mark,
    period_mark,
    period_marks_record,
    school_record,
)
from tests.support.diary_served import ANNA, BORIS

pytestmark = pytest.mark.integration

MONDAY = dt.date(2026, 9, 7)


async def rows(pool, sql: str) -> list[tuple]:
    async with pool.acquire() as conn:
        return sorted(tuple(r.values()) for r in await conn.fetch(sql))


def base() -> list:
    return [
        school_record(),
        class_record(members=[(ANNA, dt.date(2026, 9, 1), None)]),
        lesson_record(
            "l1",
            MONDAY,
            marks=[
                mark(ANNA, "5", mark_id="m1"),
                mark(ANNA, "3", mark_id="m2", corrected_after_close=True),
            ],
            corrected_after_close=True,
        ),
        lesson_record("l2", MONDAY, slot=2, seq=11),
    ]


async def test_period_marks_and_flags_are_applied_replaced_and_removed_by_a_full(
    js, pg_pool, diary
):
    feed = FeedWriter(js)
    marks = period_marks_record(
        [period_mark(ANNA, "q1", "5", "4.25"), period_mark(BORIS, "q1", "н/а")]
    )
    await feed.publish(feed.batch([*base(), marks]))
    await diary.drain()

    assert await rows(pg_pool, "SELECT lesson_id, corrected_after_close FROM lessons") == [
        ("l1", True),
        ("l2", False),
    ]
    assert await rows(pg_pool, "SELECT mark_id, corrected_after_close FROM marks") == [
        ("m1", False),
        ("m2", True),
    ]
    assert await rows(
        pg_pool, "SELECT record_id, class_id, period_id, pupil, value, average FROM period_marks"
    ) == sorted(
        [
            ("5a--math", "5a", "q1", ANNA, "5", Decimal("4.25")),
            ("5a--math", "5a", "q1", BORIS, "н/а", None),
        ]
    )

    corrected = period_marks_record(
        [period_mark(ANNA, "q1", "4", "4.25", corrected_after_close=True)], seq=30
    )
    await feed.publish(feed.batch([corrected]))
    await diary.drain()
    reads = PgDiaryReads(pg_pool)
    found = await reads.period_marks("s1", 2026, ANNA, "math")
    assert [(r.period_id, r.value, r.corrected_after_close) for r in found] == [("q1", "4", True)]
    assert await reads.period_marks("s1", 2026, BORIS, "math") == []

    # A full batch is authoritative for its year: period marks it lacks are removed.
    await feed.publish(feed.batch(base(), kind="full", to_seq=40))
    await diary.drain()
    assert await rows(pg_pool, "SELECT count(*) FROM period_marks") == [(0,)]
    assert await rows(pg_pool, "SELECT kind, record_id FROM records") == [
        ("class", "5a"),
        ("lesson", "l1"),
        ("lesson", "l2"),
        ("school", "s1"),
    ]
