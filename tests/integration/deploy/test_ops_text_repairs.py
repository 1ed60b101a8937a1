"""`ops status` counts the events each projection applied after a text repair."""

from __future__ import annotations

import pytest

from deploy.ops.env import ServiceDb
from deploy.ops.status import counts
from services.common.db import PROJECTOR_MIGRATIONS, migrate, quote_ident
from services.common.projector_writer import TEXT_REPAIRS_BY_PROJECTION

pytestmark = pytest.mark.integration


async def test_text_repairs_are_counted_per_service_and_projection(
    pg_pool, pg_schema, database_url
):
    await migrate(pg_pool, pg_schema, PROJECTOR_MIGRATIONS)
    await pg_pool.executemany(
        f"INSERT INTO {quote_ident(pg_schema)}.text_repairs"
        " (projection, stream_seq, subject, event_type, fields)"
        " VALUES ('journal_view_v1', $1, 'jrn.x', 'journal.TopicSet', ARRAY['data.topic'])",
        [(3,), (8,)],
    )
    dbs = [
        ServiceDb("journal", database_url, pg_schema),
        ServiceDb("diary", None, "diary"),
        ServiceDb("audit", database_url, f"{pg_schema}_missing"),
    ]

    repairs = await counts(dbs, TEXT_REPAIRS_BY_PROJECTION)

    journal = {"service": "journal", "schema": pg_schema}
    assert repairs == [
        {**journal, "projection": "journal_view_v1", "count": 2},
        {"service": "diary", "schema": "diary", "state": "not configured"},
        {
            "service": "audit",
            "schema": f"{pg_schema}_missing",
            "state": "no such table (never started?)",
        },
    ]
