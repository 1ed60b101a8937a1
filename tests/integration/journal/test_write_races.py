"""Writers in different processes race on one lesson: optimistic concurrency on the real
JetStream keeps every accepted update, and a loser either retries on fresh state or gets a
conflict."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from contracts.registry import JOURNAL_REGISTRY
from contracts.streams import JOURNAL
from services.common.eventstore import ConcurrencyConflict
from services.common.eventstore_jetstream import JetStreamEventStore
from services.journal.application import lessons
from services.journal.application.handling import Aggregate
from services.journal.application.ids import mark_id
from services.journal.domain import commands as c
from services.journal.domain import lesson
from tests.support.journal import (
    CLASS_ID,
    FIRST_MONDAY,
    MATH_TEACHER,
    PUPILS,
    in_memory_deps,
    math_lesson_id,
    meta,
    seed_small_school,
)

pytestmark = pytest.mark.integration
LESSON = math_lesson_id(FIRST_MONDAY)


async def test_racing_processes_lose_no_accepted_mark(js):
    seeding = in_memory_deps(JetStreamEventStore(js, JOURNAL.name))
    await seed_small_school(seeding)
    # Four "processes": each its own store (own cache, own lock table) on the same stream.
    processes = [replace(seeding, store=JetStreamEventStore(js, JOURNAL.name)) for _ in range(4)]

    async def record(i: int) -> str | None:
        deps = processes[i % len(processes)]
        command_id = f"race-{i}"
        cmd = c.RecordMark(c.NewMark(mark_id(command_id), PUPILS[i % 10], "5", "oral"))
        try:
            await lessons.run(deps, meta(MATH_TEACHER, command_id), CLASS_ID, LESSON, cmd)
        except ConcurrencyConflict:
            return None
        return cmd.mark.mark_id

    outcomes = await asyncio.gather(*(record(i) for i in range(40)))
    accepted = {m for m in outcomes if m is not None}
    history = await JetStreamEventStore(js, JOURNAL.name).load(
        f"jrn.2026.s1.{CLASS_ID}.lesson.{LESSON}"
    )
    state = Aggregate(lesson.INITIAL, lesson.evolve).fold(history)
    assert set(state.marks) == accepted
    assert len(accepted) >= 20  # retries on fresh state win most races
    seqs = [e.seq for e in history.events]
    assert seqs == sorted(seqs)
    assert all(
        JOURNAL_REGISTRY.decode(e.envelope.event_type, 1, e.envelope.data) for e in history.events
    )
