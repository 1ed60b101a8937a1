"""Two replicas of the exporter (two runtimes on one schema) running the same scheduled moment:
the school year's full and delta exports each run once, claimed in PostgreSQL
(`scheduled_claims`); the next moment is claimed afresh."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from services.exporter import bootstrap
from services.exporter.application.scheduler import Retry, run_due
from tests.support.running import exporter_settings

pytestmark = pytest.mark.integration

DUE = dt.datetime(2026, 10, 1, 16, 0, tzinfo=dt.UTC)


async def test_two_replicas_run_each_scheduled_export_once(
    journal, nats_url, database_url, pg_schema, pg_pool
):
    settings = exporter_settings(nats_url, database_url, pg_schema, "x" * 32)
    async with bootstrap.build(settings) as first, bootstrap.build(settings) as second:
        replicas = (first.deps, second.deps)
        moment = [run_due(deps, ("full", "delta"), Retry(1, 0.0), DUE) for deps in replicas]
        assert await asyncio.gather(*moment) == [0, 0]
        runs = await first.deps.runs.recent("s1", 2026, 10)
        assert sorted((r.kind, r.status) for r in runs) == [
            ("delta", "empty"),  # after the full: nothing new
            ("full", "published"),
        ]
        tomorrow = DUE + dt.timedelta(days=1)
        assert await run_due(second.deps, ("delta",), Retry(1, 0.0), tomorrow) == 0
    claims = await pg_pool.fetch("SELECT kind, due_at FROM scheduled_claims ORDER BY due_at, kind")
    assert [(c["kind"], c["due_at"]) for c in claims] == [
        ("delta", DUE),
        ("full", DUE),
        ("delta", tomorrow),
    ]
