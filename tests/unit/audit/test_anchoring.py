"""Anchoring as the service runs it: what is not anchored yet signed and written once, hourly."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt

import pytest
from pydantic import ValidationError

from services.audit.application.anchoring import SigningSettings, anchor_due, run_anchoring
from services.audit.application.verification import Scope, verify
from tests.support.audit_tamper import altered, history, in_memory_integrity, rechained

DAYS = "aud.s1.anchor.journal-2026090"  # the history's days are 1, 2 and 3 September


async def test_everything_is_anchored_once_and_a_later_run_continues_the_day():
    messages = history(90)  # 1-30 on the 1st, 31-60 on the 2nd, 61-90 on the 3rd
    integrity = in_memory_integrity({"JOURNAL": messages[:45]})

    first = await anchor_due(integrity)
    again = await anchor_due(integrity)
    integrity.source.streams["JOURNAL"] = messages
    later = await anchor_due(integrity)

    assert first.written == {"JOURNAL": 2, "ENROLLMENT": 0, "DIARY": 0, "PORTAL": 0}
    assert again.written["JOURNAL"] == 0
    assert later.written["JOURNAL"] == 2
    assert integrity.store.subjects == [f"{DAYS}1", f"{DAYS}2", f"{DAYS}2-46", f"{DAYS}3"]
    assert [subject for subject, _ in later.anchors] == integrity.store.subjects[2:]
    assert (await verify(integrity, Scope("JOURNAL", school="s1"))).ok


async def test_one_schools_anchoring_leaves_the_others_for_their_run():
    s1, s2 = history(30, days=1), history(30, days=1, school="s2")
    both = sorted([*s1, *s2[:10]], key=lambda m: m.time)
    stream = [dataclasses.replace(m, seq=n) for n, m in enumerate(both, 1)]
    integrity = in_memory_integrity({"JOURNAL": stream})

    run = await anchor_due(integrity, school="s2")

    assert [a.school for _, a in run.anchors] == ["s2"]
    assert run.anchors[0][1].count == 10


async def test_a_run_that_lost_a_race_for_a_school_writes_nothing_more_of_it():
    integrity = in_memory_integrity({"JOURNAL": history(90)})
    integrity.store.subjects.append(f"{DAYS}2")  # another process wrote the 2nd first

    run = await anchor_due(integrity)

    # The 3rd would chain to this run's 2nd, which was never written: left for the next run.
    assert [subject for subject, _ in run.anchors] == [f"{DAYS}1"]


async def test_a_forged_copy_fails_against_the_anchors_and_the_original_passes():
    messages = history(90)
    integrity = in_memory_integrity({"JOURNAL": messages, "COPY": rechained(altered(messages, 5))})
    await anchor_due(integrity)

    original = await verify(integrity, Scope("JOURNAL", school="s1"))
    forged = await verify(integrity, Scope("COPY", as_stream="JOURNAL"))

    assert original.ok
    assert original.anchors == 3
    assert original.signatures_checked
    assert original.not_anchored == 0
    assert forged.problems[0].kind == "anchor_mismatch"


async def test_before_any_anchor_the_report_says_no_signature_was_checked():
    integrity = in_memory_integrity({"JOURNAL": history(10)})

    fresh = await verify(integrity, Scope("JOURNAL", school="s1"))
    await anchor_due(integrity)
    anchored = await verify(integrity, Scope("JOURNAL", school="s1"))

    assert (fresh.anchors, fresh.signatures_checked) == (0, False)
    assert anchored.anchors >= 1
    assert anchored.signatures_checked


async def test_the_loop_anchors_at_start_and_again_every_period():
    messages = history(90)
    integrity = in_memory_integrity({"JOURNAL": messages[:45]})
    task = asyncio.create_task(run_anchoring(integrity, every=dt.timedelta(seconds=0.05)))
    try:
        for _ in range(200):
            if len(integrity.store.written) == 2:
                break
            await asyncio.sleep(0.01)
        integrity.source.streams["JOURNAL"] = messages  # more events come in
        for _ in range(200):
            if len(integrity.store.written) == 4:
                break
            await asyncio.sleep(0.01)
    finally:
        task.cancel()

    assert integrity.store.prepared
    assert sum(a.count for a in integrity.store.written) == 90


def test_the_period_is_an_hour_unless_set_shorter(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("AUDIT_ANCHOR_EVERY", raising=False)
    assert SigningSettings().anchor_every == dt.timedelta(hours=1)

    monkeypatch.setenv("AUDIT_ANCHOR_EVERY", "PT15M")
    assert SigningSettings().anchor_every == dt.timedelta(minutes=15)

    monkeypatch.setenv("AUDIT_ANCHOR_EVERY", "PT2H")
    with pytest.raises(ValidationError):
        SigningSettings()


async def test_the_loop_ends_before_a_round_when_the_lease_is_gone():
    integrity = in_memory_integrity({"JOURNAL": history(30)})
    answers = iter([True, False])

    async def still_held() -> bool:
        return next(answers)

    run = run_anchoring(integrity, every=dt.timedelta(seconds=0.01), still_held=still_held)
    await asyncio.wait_for(run, timeout=5)

    assert sum(a.count for a in integrity.store.written) == 30  # the first round's anchors
    assert next(answers, None) is None  # asked before each of the two rounds
