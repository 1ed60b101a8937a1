"""`ops status` counts the events each projection applied after a text repair."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from deploy.ops.env import ServiceDb
from deploy.ops.status import text_repairs_table
from services.common.db import PROJECTOR_MIGRATIONS, migrate, quote_ident

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

    table = await text_repairs_table(dbs)

    console = Console(file=io.StringIO(), width=200)
    console.print(table)
    lines = console.file.getvalue().splitlines()
    journal = next(line for line in lines if "journal_view_v1" in line)
    assert journal.rstrip(" │").endswith("2")
    assert any("diary" in line and "not configured" in line for line in lines)
    assert any("audit" in line and "no such table" in line for line in lines)
