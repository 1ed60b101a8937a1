"""Correcting a mark over the journal's HTTP API: what the correction does not send stays as
the mark has it (a value corrected alone keeps the comment and whether the mark counts), and a
comment sent as null is removed."""

from __future__ import annotations

import pytest

from contracts.journal import MarkCorrected
from contracts.registry import JOURNAL_REGISTRY
from contracts.streams import JOURNAL
from services.common.eventstore_jetstream import JetStreamEventStore
from tests.support.journal import CLASS_ID, FIRST_MONDAY, math_lesson_id, seed_small_school
from tests.support.running import running_journal

pytestmark = pytest.mark.integration

LESSON_ID = math_lesson_id(FIRST_MONDAY)
LESSON = f"/journal/v1/schools/s1/years/2026/classes/{CLASS_ID}/lessons/{LESSON_ID}"


async def _last_correction(js) -> MarkCorrected:
    history = await JetStreamEventStore(js, JOURNAL.name).load(
        f"jrn.2026.s1.{CLASS_ID}.lesson.{LESSON_ID}"
    )
    last = history.events[-1].envelope
    event = JOURNAL_REGISTRY.decode(last.event_type, 1, last.data)
    assert isinstance(event, MarkCorrected)
    return event


async def test_a_correction_keeps_what_it_does_not_send(nats_url, database_url, pg_schema, js):
    async with running_journal(nats_url, database_url, pg_schema) as journal:
        await seed_small_school(journal.runtime.deps)
        teacher = journal.headers("t-math", "teacher")
        mark = {"pupil_id": "p01", "value": "3", "work_kind_id": "oral", "comment": "устно"}
        recorded = await journal.http.post(
            f"{LESSON}/marks", json={**mark, "counts": False}, headers=teacher
        )
        assert recorded.status_code == 201, recorded.text
        correct = f"{LESSON}/marks/{recorded.json()['mark_id']}/correct"

        value_only = {"value": "4", "work_kind_id": "oral", "reason": "ошибка ввода"}
        corrected = await journal.http.post(correct, json=value_only, headers=teacher)
        assert corrected.status_code == 200, corrected.text
        first = await _last_correction(js)
        removed = await journal.http.post(
            correct, json={**value_only, "comment": None, "counts": True}, headers=teacher
        )
        assert removed.status_code == 200, removed.text
        second = await _last_correction(js)

    assert (first.value, first.comment, first.counts) == ("4", "устно", False)
    assert (second.value, second.comment, second.counts) == ("4", None, True)
