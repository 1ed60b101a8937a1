"""The pupils' names the name guard needs, on the school side: folded with the export state,
kept by a rebuild, filled once for a state folded before the guard, and given to every cut."""

from __future__ import annotations

import pytest

from services.exporter import bootstrap
from tests.support.journal import SCHOOL, YEAR

pytestmark = pytest.mark.integration

NAMES = sorted(f"Ученик Номер {n}" for n in range(11))  # the small school's pupils
QUERY = "SELECT school, year, pupil_id, full_name FROM pupil_names ORDER BY pupil_id"


async def test_the_names_are_folded_kept_by_a_rebuild_and_filled_once_when_missing(
    journal, exporter
):
    state = exporter.state
    await state.catch_up()
    assert await state.pupil_names(SCHOOL) == NAMES
    folded = await exporter.pool.fetch(QUERY)
    assert len(folded) == 11
    assert await exporter.pool.fetchval("SELECT due FROM pupil_names_backfill") is False

    await bootstrap.rebuild_state(exporter)
    assert await exporter.pool.fetch(QUERY) == folded

    # A state folded before the name guard: no names, the migration marked the fill due.
    await exporter.pool.execute("DELETE FROM pupil_names")
    await exporter.pool.execute("UPDATE pupil_names_backfill SET due = true")
    assert await state.backfill_names() == 11
    assert await exporter.pool.fetch(QUERY) == folded
    assert await state.backfill_names() == 0  # once

    async with state.changed(SCHOOL, YEAR, 0) as cut:
        assert sorted(cut.names) == NAMES
        async for _ in cut.docs:
            pass
    async with state.full(SCHOOL, YEAR, await state.journal_last_seq()) as cut:
        assert sorted(cut.names) == NAMES
        async for _ in cut.docs:
            pass
