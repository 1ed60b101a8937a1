"""The PII scan: after exporting the demo school and exchanging messages on the portal, no name
and no pupil id of the roster appears in any message of the DIARY and PORTAL streams, in any row
of the diary's schemas (views and messages), or in any answer of the diary's API (DESIGN.md §2:
the portal side holds no personal data)."""

from __future__ import annotations

import datetime as dt

import pytest

from contracts.streams import DIARY, ENROLLMENT, JOURNAL
from services.common.db import quote_ident
from services.common.eventstore import JetStreamEventStore
from services.common.testing import eventually
from services.diary.testing_http import running_diary
from services.exporter.application.exporting import export
from services.exporter.testing_enrollment import EnrollmentWriter
from services.exporter.testing_http import running_exporter
from services.journal.adapters.object_store import InMemoryFiles
from services.journal.application import demo, demo_loader
from services.journal.domain import commands as c
from services.journal.testing import in_memory_deps

pytestmark = pytest.mark.e2e

PARENT_UID, TEACHER_UID = 100001, 200001


def roster_secrets(school: demo.DemoSchool) -> tuple[set[str], set[str]]:
    """Every name (in full, and as surname + first name) and every pupil id of the roster."""
    names: set[str] = set()
    pupil_ids: set[str] = set()
    for step in school.steps:
        command = step.command
        if isinstance(command, c.RegisterPupil | c.RegisterStaffMember):
            names.add(command.full_name)
            names.add(" ".join(command.full_name.split()[:2]))
        if isinstance(command, c.RegisterPupil):
            pupil_ids.add(command.pupil_id)
    return names, pupil_ids


def leaks(text: str, names: set[str], pupil_ids: set[str]) -> list[str]:
    """What of the roster a text gives away (pupil ids as whole JSON strings or subject tokens)."""
    found = [name for name in names if name in text]
    found += [pid for pid in pupil_ids if f'"{pid}"' in text or f".{pid}." in text]
    return found


async def _stream_messages(js, stream: str) -> list[str]:
    last = (await js.stream_info(stream)).state.last_seq
    texts = []
    for seq in range(1, last + 1):
        msg = await js.get_msg(stream, seq)
        headers = " ".join(f"{k}={v}" for k, v in (msg.headers or {}).items())
        texts.append(f"{msg.subject} {headers} {msg.data.decode()}")
    return texts


async def _diary_rows(pool, schema: str) -> list[str]:
    async with pool.acquire() as conn:
        tables = await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename", schema
        )
        texts = []
        for table in tables:
            name = f"{quote_ident(schema)}.{quote_ident(table['tablename'])}"
            rows = await conn.fetch(f"SELECT t::text AS row FROM {name} t")
            texts.extend(f"{table['tablename']}: {row['row']}" for row in rows)
    return texts


async def test_no_name_or_pupil_id_reaches_the_portal_side(nats_url, database_url, pg_schema, js):
    school = demo.generate(7, pupils_target=150, term_weeks=2)
    names, pupil_ids = roster_secrets(school)
    assert len(pupil_ids) >= 140
    assert leaks(f"x {min(names)} y", names, pupil_ids)  # the scan itself sees a name
    await demo_loader.load(
        in_memory_deps(JetStreamEventStore(js, JOURNAL.name), files=InMemoryFiles()), school
    )
    base = f"/diary/v1/schools/{school.school}/years/{school.year}"
    async with (
        running_diary(nats_url, database_url, f"{pg_schema}_diary") as diary,
        running_exporter(nats_url, database_url, f"{pg_schema}_exporter") as exporter,
    ):
        deps = exporter.runtime.deps
        outcome = await export(deps, school.school, school.year, "full", "api")
        assert outcome.run.records > 100
        system = diary.headers("exporter", "system", school=school.school)

        async def applied():
            batches = (await diary.http.get(f"{base}/batches", headers=system)).json()
            assert [b["status"] for b in batches] == ["applied"]

        await eventually(applied, timeout=60)

        # A parent and the class teacher's UID read their views, as on the portal: their
        # grants follow from the enrollment (a link, a staff UID) and the journal's classes.
        classes = await exporter.runtime.state.classes(school.school, school.year)
        current = {m["pupil"]: c for c in classes for m in c["members"] if m["last_day"] is None}
        pseudonym = exporter.runtime.pseudonymiser.of
        first_pupil = next(p for p in sorted(pupil_ids) if pseudonym(p) in current)
        child = pseudonym(first_pupil)
        class_id, class_teacher = current[child]["class_id"], current[child]["class_teacher_id"]
        writer = EnrollmentWriter(
            JetStreamEventStore(js, ENROLLMENT.name), school.school, school.year
        )
        await writer.link(first_pupil, PARENT_UID)
        await writer.staff_uid(class_teacher, TEACHER_UID)
        parent = diary.headers("parent-1", "parent", uid=PARENT_UID, school=school.school)
        teacher = diary.headers("teacher-1", "teacher", uid=TEACHER_UID, school=school.school)

        async def granted():
            for headers in (parent, teacher):
                me = await diary.http.get(f"{base}/me", headers=headers)
                assert me.status_code == 200
                assert me.json(), me.text

        await eventually(granted, timeout=15)
        first_day = dt.date(school.year, 9, 7)
        answers = []
        for path, headers in (
            ("/me", parent),
            (f"/pupils/{child}/weeks/{first_day}", parent),
            (f"/pupils/{child}/days/{first_day}", parent),
            (f"/pupils/{child}/subjects/math", parent),
            (f"/classes/{class_id}/subjects/math", teacher),
            (f"/classes/{class_id}/days/{first_day}", teacher),
            ("/records", system),
            ("/batches", system),
            ("/status", system),
        ):
            response = await diary.http.get(base + path, headers=headers)
            assert response.status_code == 200, (path, response.text)
            answers.append(f"{path}: {response.text}")
        assert any(child in answer for answer in answers)

        # The class teacher writes to the parents of the class; the parent reads and replies.
        threads = f"/diary/v1/schools/{school.school}/messages/threads"
        start = {
            "class_id": class_id,
            "year": school.year,
            "to": {"pupils": "all", "audience": "parents"},
            "title": "Родительское собрание",
            "text": "Собрание в четверг в 18:00.",
        }
        started = await diary.http.post(threads, json=start, headers=teacher)
        assert started.status_code == 201, started.text
        thread = f"{threads}/{started.json()['thread_id']}"
        reply = await diary.http.post(
            f"{thread}/messages", data={"text": "Спасибо, придём."}, headers=parent
        )
        assert reply.status_code == 201, reply.text
        for path, headers in ((threads, parent), (thread, parent), (thread, teacher)):
            response = await diary.http.get(path, headers=headers)
            assert response.status_code == 200, (path, response.text)
            answers.append(f"{path}: {response.text}")

        async def read_model_has_the_reply():
            listed = (await diary.http.get(threads, headers=teacher)).json()
            assert listed["unread"] == 1, listed

        await eventually(read_model_has_the_reply, timeout=15)
        messages = await _stream_messages(js, DIARY.name) + await _stream_messages(js, "PORTAL")
        rows = await _diary_rows(diary.runtime.pool, f"{pg_schema}_diary")
        rows += await _diary_rows(diary.runtime.pool, f"{pg_schema}_diary_messages")

    assert len(messages) > outcome.run.records
    assert len(rows) > outcome.run.records
    for where_seen, texts in (("DIARY", messages), ("tables", rows), ("API", answers)):
        found = {leak for text in texts for leak in leaks(text, names, pupil_ids)}
        assert not found, f"{where_seen} gives away {sorted(found)[:5]}"
