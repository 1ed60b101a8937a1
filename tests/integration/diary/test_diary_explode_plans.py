"""The explosion of a big first batch does not depend on statistics PostgreSQL has not got yet.

A full batch inserts a school year's records and explodes them in the same transaction, before
any ANALYZE has seen `records`: planned as joins, the class inserts took the year for one row and
compared every record with every touched class (seconds per statement on a real school). Each
statement probes `records` by its primary key per touched aggregate instead.
"""

from __future__ import annotations

import json

import pytest

from services.diary.adapters.diary_explode import _INSERTS, explode, prepare_touched

pytestmark = pytest.mark.integration

LESSONS, CLASSES = 3000, 4


def _class(number: int) -> str:
    return json.dumps(
        {
            "class_id": f"c{number}",
            "grade": 5,
            "label": "5А",
            "class_teacher_id": "t1",
            "members": [{"pupil": "p" + "a" * 32, "since": "2026-09-01", "last_day": None}],
            "teaching": [{"teacher_id": "t1", "subject_id": "math", "group": None}],
        }
    )


def _lesson(number: int) -> str:
    return json.dumps(
        {
            "lesson_id": f"l{number}",
            "class_id": "c0",
            "subject_id": "math",
            "date": "2026-09-07",
            "slot": 1,
            "status": "held",
            "teacher_id": "t1",
            "files": [],
            "marks": [],
            "absences": [],
        }
    )


async def test_a_first_batch_explodes_by_primary_key_probes(diary, pg_pool):
    records = [("class", f"c{n}", _class(n)) for n in range(CLASSES)]
    records += [("lesson", f"l{n}", _lesson(n)) for n in range(LESSONS)]
    async with pg_pool.acquire() as conn, conn.transaction():
        await prepare_touched(conn)
        await conn.execute(
            "INSERT INTO records (school, year, kind, record_id, seq, digest, content, batch_id) "
            "SELECT 's1', 2026, k, i, 1, 'd', c::jsonb, 'b1' "
            "FROM unnest($1::text[], $2::text[], $3::text[]) AS u(k, i, c)",
            *(list(column) for column in zip(*records, strict=True)),
        )
        await conn.execute("INSERT INTO diary_touched SELECT kind, record_id FROM records")
        class_inserts = [s for s in _INSERTS if "WHERE t.kind = 'class'" in s]
        assert len(class_inserts) == 3
        for statement in class_inserts:
            plan = "\n".join(row[0] for row in await conn.fetch(f"EXPLAIN {statement}", "s1", 2026))
            assert "Index Scan using records_pkey" in plan, plan
            assert "Join Filter" not in plan, plan
        await explode(conn, "s1", 2026, len(records))
        assert await conn.fetchval("SELECT count(*) FROM classes") == CLASSES
        assert await conn.fetchval("SELECT count(*) FROM class_members") == CLASSES
        assert await conn.fetchval("SELECT count(*) FROM lessons") == LESSONS
        # The plans' settings are the session's again afterwards.
        assert await conn.fetchval("SELECT current_setting('enable_memoize')") == "on"


async def test_record_contents_are_compressed_with_lz4(diary, pg_pool):
    found = await pg_pool.fetch(
        "SELECT attrelid::regclass::text, attcompression::text FROM pg_attribute "
        "WHERE attname = 'content' AND attrelid IN ('records'::regclass, "
        "'staged_records'::regclass) ORDER BY 1"
    )
    assert [row[1] for row in found] == ["l", "l"]
