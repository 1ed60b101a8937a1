"""Events stored with text PostgreSQL cannot hold (NUL, lone surrogates), on a real stream:
projections apply them repaired (U+FFFD) and record it in `text_repairs`, never as dead letters."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from contracts.envelope import Actor
from contracts.journal import MarkEntry, MarkRecorded
from contracts.streams import JOURNAL
from services.common import metrics
from services.common.db import migrate
from tests.support.projectors import journal_projector
from tests.support.stored_events import envelope_of

pytestmark = pytest.mark.integration

SUBJECT = "jrn.2026.s1.5a.lesson.l1"


class Comments:
    """Keeps each mark's comment, as PostgreSQL must store it."""

    name = "test_comments_v1"

    async def apply(self, conn, batch):
        await conn.executemany(
            "INSERT INTO comments (seq, comment) VALUES ($1, $2)",
            [(p.stored.seq, p.event.mark.comment) for p in batch],
        )


@pytest.fixture
async def schema(pg_pool, pg_schema, tmp_path: Path) -> str:
    directory = tmp_path / "migrations"
    directory.mkdir()
    sql = "CREATE TABLE comments (seq bigint PRIMARY KEY, comment text);"
    (directory / "0001_comments.sql").write_text(sql)
    await migrate(pg_pool, pg_schema, directory)
    return pg_schema


def raw_mark(comment: str) -> bytes:
    """A MarkRecorded as a writer without today's checks stored it (json.dumps escapes)."""
    mark = MarkEntry(
        mark_id="m1", pupil_id="p01", value="5", work_kind_id="oral", weight=Decimal(1)
    )
    data = MarkRecorded(mark=mark).model_dump(mode="json")
    data["mark"]["comment"] = comment
    envelope = envelope_of(
        MarkRecorded(mark=mark),
        actor=Actor(id="t-math", role="teacher"),
        correlation_id="c",
        data={},
    )
    return json.dumps({**envelope.model_dump(mode="json"), "data": data}).encode()


async def publish(js, comment: str) -> int:
    headers = {"Event-Type": MarkRecorded.event_type, "Schema-Version": "1"}
    ack = await js.publish(SUBJECT, raw_mark(comment), stream=JOURNAL.name, headers=headers)
    return int(ack.seq)


def repairs_counted() -> float:
    value = metrics.registry().get_sample_value("text_repairs_total", {"projection": Comments.name})
    return value or 0.0


async def test_a_nul_in_a_mark_comment_is_applied_as_u_fffd_and_recorded(js, pg_pool, schema):
    clean = await publish(js, "хорошо")
    nul = await publish(js, "хорошо\x00")
    surrogate = await publish(js, "a\ud800b")
    counted = repairs_counted()
    projector = journal_projector(js, pg_pool, Comments(), fetch_timeout=0.5)

    assert await projector.drain() == surrogate
    await projector.close()

    rows = await pg_pool.fetch("SELECT seq, comment FROM comments ORDER BY seq")
    assert [tuple(r) for r in rows] == [
        (clean, "хорошо"),
        (nul, "хорошо\ufffd"),
        (surrogate, "a\ufffdb"),
    ]
    assert await pg_pool.fetchval("SELECT count(*) FROM dead_letters") == 0
    repairs = await pg_pool.fetch(
        "SELECT projection, stream_seq, subject, event_type, fields FROM text_repairs"
        " ORDER BY stream_seq"
    )
    assert [tuple(r) for r in repairs] == [
        (Comments.name, seq, SUBJECT, MarkRecorded.event_type, ["data.mark.comment"])
        for seq in (nul, surrogate)
    ]
    assert repairs_counted() == counted + 2
