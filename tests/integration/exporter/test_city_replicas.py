"""Two replicas of the exporter over a city of 20 schools (`bench.city`, one JOURNAL stream):
each scheduled moment exports every school exactly once, whichever replica claims it, and
delta ≡ full still holds: after two rounds of daily deltas, the monthly full reconciliation of
every school finds the diary needing no change."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest

from bench.city import city, count_claims, publish_city, publish_city_days, runs_of_moment
from services.diary import bootstrap as diary_bootstrap
from services.exporter import bootstrap as exporter_bootstrap
from services.exporter.application.scheduler import Retry, run_due
from tests.support.running import diary_settings, exporter_settings
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration

SCHOOLS = 20
EVENTS = 120  # about this many per school: a one-class roster and two or three school days
FIRST = dt.datetime(2026, 9, 4, 16, 0, tzinfo=dt.UTC)
NEXT = FIRST + dt.timedelta(days=1)
MONTHLY = FIRST + dt.timedelta(days=2)


async def test_two_replicas_export_each_school_of_a_city_once_and_deltas_equal_full(
    js, nats_url, database_url, pg_schema
):
    schools = city(SCHOOLS, classes=1)
    await publish_city(js, schools, EVENTS)
    exporter = exporter_settings(nats_url, database_url, f"{pg_schema}_e", "x" * 32)
    diary = diary_settings(nats_url, database_url, f"{pg_schema}_d", "x" * 32)
    async with (
        exporter_bootstrap.build(exporter) as first,
        exporter_bootstrap.build(exporter) as second,
        diary_bootstrap.build(diary) as reader,
    ):
        replicas = (first.deps, second.deps)
        won = [count_claims(deps.runs) for deps in replicas]

        async def moment(kind: Any, due: dt.datetime) -> list[Any]:
            """Both replicas run the moment at once: each school is claimed by one of them and
            exported once."""
            before = sum(count[0] for count in won)
            run = [run_due(deps, (kind,), Retry(1, 0.0), due) for deps in replicas]
            assert await asyncio.gather(*run) == [0, 0]
            assert sum(count[0] for count in won) - before == SCHOOLS  # the other never tried
            runs = await runs_of_moment(first.pool, kind, due)
            assert sorted(r["school"] for r in runs) == sorted(s.school for s in schools)
            assert {r["status"] for r in runs} == {"published"}
            for run_ in runs:
                await _applied(reader.pool, run_["batch_id"])
            return runs

        await moment("delta", FIRST)
        await publish_city_days(js, schools)
        await moment("delta", NEXT)
        for full in await moment("full", MONTHLY):
            batch = await _applied(reader.pool, full["batch_id"])
            drift = (batch["drift_missing"], batch["drift_extra"], batch["drift_different"])
            assert drift == (0, 0, 0), f"{full['school']}: the deltas left the diary off by {drift}"
            assert batch["drift_same"] == full["records"]


async def _applied(pool: Any, batch_id: str) -> Any:
    async def applied() -> Any:
        row = await pool.fetchrow("SELECT * FROM batches WHERE batch_id = $1", batch_id)
        assert row is not None
        assert row["status"] == "applied", dict(row)
        return row

    return await eventually(applied, timeout=60)
