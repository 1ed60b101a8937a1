"""The staff directory on real servers: exported in the first delta, published again by a delta
exactly when a staff or teaching event changed it, carried by a full export, and folded again
the same by a rebuild of the export state."""

from __future__ import annotations

import asyncio
import json

import pytest

from contracts.diary import StaffDirectoryRecord
from contracts.registry import DIARY_REGISTRY
from contracts.streams import DIARY
from services.exporter import bootstrap
from services.exporter.application.exporting import export
from services.exporter.domain.docs import ROLL
from services.exporter.domain.stored_docs import load_state
from services.journal.application import roster
from services.journal.domain import commands as c
from tests.support.journal import ADMIN, CLASS_ID, MATH_TEACHER, SCHOOL, YEAR, meta

pytestmark = pytest.mark.integration


async def published(js) -> list[tuple[str, dict]]:
    """(subject, data) of every DIARY message."""
    last = (await js.stream_info(DIARY.name)).state.last_seq
    messages = await asyncio.gather(*(js.get_msg(DIARY.name, seq) for seq in range(1, last + 1)))
    return [(m.subject, json.loads(m.data)) for m in messages]


async def directories(js, batch_id: str) -> list[StaffDirectoryRecord]:
    found = []
    for _, envelope in await published(js):
        if envelope["event_type"] == StaffDirectoryRecord.event_type:
            record = DIARY_REGISTRY.decode(
                envelope["event_type"], envelope["schema_version"], envelope["data"]
            )
            assert isinstance(record, StaffDirectoryRecord)
            if record.batch_id == batch_id:
                found.append(record)
    return found


def listed(record: StaffDirectoryRecord) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(t.staff_id, t.short_name, t.subjects) for t in record.teachers]


async def test_deltas_publish_the_directory_when_it_changes_and_only_then(js, journal, exporter):
    first = (await export(exporter.deps, SCHOOL, YEAR, "delta", "api")).run
    (record,) = await directories(js, first.batch_id)
    assert (record.record_id, record.school_id) == (SCHOOL, SCHOOL)
    assert listed(record) == [
        ("t-math", "Иванова А. П.", ("math",)),
        ("t-rus", "Петров О.", ("russian",)),
    ]
    subject = next(s for s, e in await published(js) if e["data"].get("index") == record.index)
    assert subject == f"dry.{YEAR}.{SCHOOL}.staff.{SCHOOL}"

    # A member of staff who teaches nothing changes nothing the portal sees: nothing to export.
    secretary = c.RegisterStaffMember("sec1", "Смирнова Ольга Игоревна", "секретарь")
    await roster.register_staff(journal, meta(ADMIN), secretary)
    quiet = (await export(exporter.deps, SCHOOL, YEAR, "delta", "api")).run
    assert quiet.status == "empty"

    # The maths teacher takes Russian too: the class and the directory go out again.
    await roster.run_class(
        journal, meta(ADMIN), CLASS_ID, c.AssignTeaching(MATH_TEACHER.id, "russian", "g1")
    )
    changed = (await export(exporter.deps, SCHOOL, YEAR, "delta", "api")).run
    assert changed.records == 2
    (record,) = await directories(js, changed.batch_id)
    assert listed(record)[0] == ("t-math", "Иванова А. П.", ("math", "russian"))
    assert record.seq == changed.to_seq

    # A full export holds the same directory; the feed never names the secretary.
    full = (await export(exporter.deps, SCHOOL, YEAR, "full", "api")).run
    (again,) = await directories(js, full.batch_id)
    assert (again.seq, again.content()) == (record.seq, record.content())
    feed = json.dumps([e for _, e in await published(js)], ensure_ascii=False)
    for secret in ("Смирнова", "Анна Петровна", "Иванова Анна", "Петров Олег"):
        assert secret not in feed


async def test_a_rebuild_folds_the_same_roll_and_directory(js, journal, exporter):
    secretary = c.RegisterStaffMember("sec1", "Смирнова Ольга Игоревна", "секретарь")
    await roster.register_staff(journal, meta(ADMIN), secretary)
    await export(exporter.deps, SCHOOL, YEAR, "delta", "cli")
    query = (
        "SELECT kind, record_id, seq, content FROM docs "
        "WHERE kind IN ('staff', 'staff-roll') ORDER BY kind"
    )
    live = await exporter.pool.fetch(query)
    assert [r["kind"] for r in live] == ["staff", "staff-roll"]
    roll = load_state(ROLL, live[1]["content"])
    assert roll.names["sec1"] == "Смирнова О. И."  # the school side keeps no full name either
    await bootstrap.rebuild_state(exporter)
    assert await exporter.pool.fetch(query) == live
