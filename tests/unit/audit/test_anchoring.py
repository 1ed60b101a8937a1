"""Anchoring as the service runs it: due days signed and written once, daily at 00:30."""

from __future__ import annotations

import asyncio
import datetime as dt

from services.audit.application.anchoring import anchor_due, next_run, run_anchoring
from services.audit.application.verification import Scope, verify
from services.audit.domain.anchors import ZONE
from services.audit.testing_tamper import altered, history, in_memory_integrity, rechained

TODAY = dt.date(2026, 9, 3)  # the history's days are 1, 2 and 3 September


async def test_the_finished_days_are_anchored_once():
    integrity = in_memory_integrity({"JOURNAL": history(90)})

    first = await anchor_due(integrity, today=TODAY)
    again = await anchor_due(integrity, today=TODAY)
    later = await anchor_due(integrity, today=TODAY + dt.timedelta(days=1))

    assert first.written == {"JOURNAL": 2, "ENROLLMENT": 0, "DIARY": 0, "PORTAL": 0}
    assert again.written["JOURNAL"] == 0
    assert later.written["JOURNAL"] == 1
    assert [a.day.day for a in await integrity.store.anchors("s1")] == [1, 2, 3]


async def test_a_forged_copy_fails_against_the_anchors_and_the_original_passes():
    messages = history(90)
    integrity = in_memory_integrity({"JOURNAL": messages, "COPY": rechained(altered(messages, 5))})
    await anchor_due(integrity, today=TODAY + dt.timedelta(days=1))

    original = await verify(integrity, Scope("JOURNAL", school="s1"))
    forged = await verify(integrity, Scope("COPY", as_stream="JOURNAL"))

    assert original.ok
    assert original.anchors == 3
    assert original.signatures_checked
    assert forged.problems[0].kind == "anchor_mismatch"


def test_the_daily_run_is_at_half_past_midnight_school_time():
    evening = dt.datetime(2026, 9, 1, 20, 0, tzinfo=dt.UTC)  # 23:00 in Moscow
    after = dt.datetime(2026, 9, 1, 21, 45, tzinfo=dt.UTC)  # 00:45 on the 2nd

    assert next_run(evening, dt.time(0, 30)) == dt.datetime(2026, 9, 2, 0, 30, tzinfo=ZONE)
    assert next_run(after, dt.time(0, 30)) == dt.datetime(2026, 9, 3, 0, 30, tzinfo=ZONE)


async def test_the_loop_prepares_the_stream_and_anchors_at_start():
    integrity = in_memory_integrity({"JOURNAL": history(90)})
    now = dt.datetime(2026, 9, 4, 9, 0, tzinfo=dt.UTC)
    task = asyncio.create_task(run_anchoring(integrity, clock=lambda: now))
    try:
        for _ in range(100):
            if await integrity.store.anchors():
                break
            await asyncio.sleep(0.01)
    finally:
        task.cancel()

    assert integrity.store.prepared
    assert len(await integrity.store.anchors()) == 3
