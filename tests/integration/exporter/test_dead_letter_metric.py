"""The exporter's dead-letter metric counts each poison event once, however many full exports
replay it (each replays the school's year into a scratch schema and meets the poison again)."""

from __future__ import annotations

import pytest

from contracts import subjects
from services.common import metrics
from services.exporter.adapters.export_projection import NAME
from services.exporter.application.exporting import export
from tests.support.journal import CLASS_ID, SCHOOL, YEAR

pytestmark = pytest.mark.integration


def dead_letters_metric() -> float | None:
    return metrics.registry().get_sample_value("dead_letters", {"projection": NAME})


async def test_full_exports_do_not_count_the_same_poison_again(js, journal, exporter):
    await js.publish(subjects.journal(YEAR, SCHOOL, CLASS_ID, "lesson", "poison"), b"not json")

    await export(exporter.deps, SCHOOL, YEAR, "delta", "cli")  # the live state meets it once
    after_delta = dead_letters_metric()
    for _ in range(2):
        full = await export(exporter.deps, SCHOOL, YEAR, "full", "cli", force=True)
        assert full.run.status == "published"

    assert after_delta == dead_letters_metric() == 1
    rows = await exporter.pool.fetchval("SELECT count(*) FROM dead_letters")
    assert rows == 1
