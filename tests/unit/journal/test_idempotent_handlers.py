"""Retries and reused keys in the journal's handlers: a retry answers what the first request
recorded, a key recorded with another request is refused before anything is recorded."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from services.common.idempotency import IdempotencyKeyReused
from services.journal.adapters.object_store import InMemoryFiles
from services.journal.application import lessons
from services.journal.application.ids import mark_id
from services.journal.domain import commands as c
from tests.support.journal import (
    ADMIN,
    CLASS_ID,
    FIRST_MONDAY,
    MATH_TEACHER,
    PUPILS,
    in_memory_deps,
    math_lesson_id,
    meta,
    seed_small_school,
)

LESSON = math_lesson_id(FIRST_MONDAY)
PDF = b"%PDF-1.4 task"


@pytest.fixture
async def deps():
    deps = in_memory_deps(files=InMemoryFiles())
    await seed_small_school(deps)
    return deps


def keyed(actor, command_id: str, fingerprint: str):
    return dataclasses.replace(meta(actor, command_id), fingerprint=fingerprint)


def _mark(command_id: str, value: str = "5") -> c.RecordMark:
    return c.RecordMark(c.NewMark(mark_id(command_id), PUPILS[0], value, "classwork"))


async def test_a_key_recorded_with_another_request_is_refused(deps):
    first = keyed(MATH_TEACHER, "k1", "f1")
    await lessons.run(deps, first, CLASS_ID, LESSON, _mark("k1"))
    before = len(deps.store.events)

    with pytest.raises(IdempotencyKeyReused):
        await lessons.run(deps, keyed(MATH_TEACHER, "k1", "f2"), CLASS_ID, LESSON, _mark("k1", "4"))
    again = await lessons.run(deps, first, CLASS_ID, LESSON, _mark("k1"))

    assert again.duplicate
    assert len(deps.store.events) == before


async def test_a_retried_upload_answers_the_first_one_instead_of_finding_its_file(deps):
    def attach(m):
        return lessons.attach_file(
            deps, m, CLASS_ID, LESSON, name="t.pdf", media_type="application/pdf", data=PDF
        )

    first, attachment_id = await attach(keyed(MATH_TEACHER, "k2", "f1"))
    again, again_id = await attach(keyed(MATH_TEACHER, "k2", "f1"))

    assert (again.seq, again_id, again.duplicate) == (first.seq, attachment_id, True)
    with pytest.raises(IdempotencyKeyReused):
        await attach(keyed(MATH_TEACHER, "k2", "f2"))


async def test_scheduling_under_a_reused_key_schedules_nothing_when_the_ranges_meet(deps):
    first = keyed(ADMIN, "k3", "f1")
    october = dt.date(2026, 10, 1), dt.date(2026, 10, 14)
    report = await lessons.schedule_from_timetable(deps, first, CLASS_ID, *october)
    before = len(deps.store.events)

    with pytest.raises(IdempotencyKeyReused):  # October 1-31: meets the first range
        await lessons.schedule_from_timetable(
            deps, keyed(ADMIN, "k3", "f2"), CLASS_ID, october[0], dt.date(2026, 10, 31)
        )
    again = await lessons.schedule_from_timetable(deps, first, CLASS_ID, *october)

    assert len(deps.store.events) == before
    assert again == report  # the retry answers what the first request did
