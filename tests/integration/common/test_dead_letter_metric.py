"""`/metrics` shows what the dead-letter tables hold: each poison event once, from the start of
the process (not from zero after a restart), and never again when a replay meets it."""

from __future__ import annotations

import pytest

from services.common import metrics
from services.common.db import PROJECTOR_MIGRATIONS, migrate
from services.common.projector import Projector
from services.enrollment.adapters.roster_projection import RosterProjection
from services.enrollment.bootstrap import ROSTER_MIGRATIONS
from tests.support.projectors import journal_projector

pytestmark = pytest.mark.integration

POISON = 17


def roster_projector(js, pool) -> Projector:
    return journal_projector(js, pool, RosterProjection())


def gauge(name: str) -> float | None:
    return metrics.registry().get_sample_value("dead_letters", {"projection": name})


async def test_the_metric_is_the_tables_count_through_restarts_and_rebuilds(js, pg_pool, pg_schema):
    for n in range(POISON):
        await js.publish(f"jrn.2026.s1.5a.lesson.l{n}", b"not json")
    await migrate(pg_pool, pg_schema, PROJECTOR_MIGRATIONS, ROSTER_MIGRATIONS)
    first = roster_projector(js, pg_pool)
    await first.drain()
    await first.close()
    name = first.name
    metrics.instruments().dead_letters.labels(name).set(0)  # as in a fresh process

    restarted = roster_projector(js, pg_pool)
    await restarted.drain()  # nothing new: the feed starts after the checkpoint
    at_start = gauge(name)
    await roster_projector(js, pg_pool).rebuild_into(
        f"{pg_schema}_copy", PROJECTOR_MIGRATIONS, ROSTER_MIGRATIONS
    )
    after_replay = gauge(name)
    await restarted.close()

    assert (at_start, after_replay) == (POISON, POISON)
    assert restarted.status().dead_letters == POISON
    assert (await restarted.describe()).dead_letters == POISON
