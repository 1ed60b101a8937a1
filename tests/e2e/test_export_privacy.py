"""The PII scan: after exporting the demo school and exchanging messages on the portal, no name
and no pupil id of the roster appears in any message of the DIARY and PORTAL streams, in any row
of the diary's schemas (views and messages), or in any answer of the diary's API (DESIGN.md §2:
the portal side holds no personal data).

One exception, public by law: the staff directory names the teaching staff by surname and
initials («Иванова А. В.»). So a teacher's name may appear in that form only, and only where
the directory is: its records (DIARY messages, the `records` rows), its own table, and the API
answers that show it (`teacher_name` of a lesson, the list of teachers, the operators' records).
Every other form of a teacher's name is refused everywhere, and every form of a pupil's or a
non-teaching staff member's name (in full, surname + first name, surname + initials) too.

Free text is where a name slips through: before the export, teachers' topics and mark comments
name pupils of the school in every grammatical case and every shape a teacher types (surname
and first name either way round, with the patronymic, surname and initials either side). The
exporter's name guard must have replaced each with «[ученик]»: the scan looks for every pupil's
name in all those forms too, word by word (so «Акимовой В. А.» is found wherever it stands).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass

import pytest

import demo
from contracts.streams import DIARY, ENROLLMENT, JOURNAL
from demo import loader as demo_loader
from services.common.db import quote_ident
from services.common.eventstore_jetstream import JetStreamEventStore
from services.common.name_guard import PLACEHOLDER
from services.exporter.application.exporting import export
from services.journal.adapters.object_store import InMemoryFiles
from services.journal.domain import commands as c
from tests.support import name_forms
from tests.support.enrollment_events import EnrollmentWriter
from tests.support.journal import in_memory_deps
from tests.support.running import running_diary, running_exporter
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e

PARENT_UID, TEACHER_UID = 100001, 200001


@dataclass(frozen=True)
class Secrets:
    """What the scan looks for: forms of names that must never cross, the directory forms of
    the teachers' names (allowed only where the directory is), the pupils' ids, and every
    pupil's name in every case and shape as a teacher types it (runs of words, lowercase)."""

    refused: set[str]
    teachers: set[str]
    pupil_ids: set[str]
    declined: set[tuple[str, ...]] = dataclasses.field(default_factory=set)


def initials(full_name: str) -> str:
    """«Иванова Анна Викторовна» -> «Иванова А. В.» (the demo's names are three plain words)."""
    surname, *given = full_name.split()
    return " ".join([surname, *(f"{word[0]}." for word in given)])


def roster_secrets(school: demo.DemoSchool) -> Secrets:
    """Every name of the roster in its forms, split by who may be named, and every pupil id."""
    people: dict[str, str] = {}  # staff id or pupil id -> full name
    pupil_ids: set[str] = set()
    teaching: set[tuple[str, str, str | None, str | None]] = set()
    for step in school.steps:
        command = step.command
        if isinstance(command, c.RegisterStaffMember):
            people[command.staff_id] = command.full_name
        elif isinstance(command, c.RegisterPupil):
            people[command.pupil_id] = command.full_name
            pupil_ids.add(command.pupil_id)
        elif isinstance(command, c.AssignTeaching | c.UnassignTeaching):
            entry = (command.teacher_id, command.subject_id, command.group, step.class_id)
            if isinstance(command, c.AssignTeaching):
                teaching.add(entry)
            else:
                teaching.discard(entry)
    teacher_ids = {t[0] for t in teaching}
    teachers = {initials(people[t]) for t in teacher_ids}
    refused: set[str] = set()
    for person, full_name in people.items():
        refused |= {full_name, " ".join(full_name.split()[:2])}
        if person not in teacher_ids:
            refused.add(initials(full_name))
    # A pupil who shares a teacher's surname and initials cannot be told apart from them.
    declined = {
        tuple(name_forms.tokens(form))
        for pupil in pupil_ids
        for form in name_forms.mentions(people[pupil])
    }
    return Secrets(refused - teachers, teachers, pupil_ids, declined)


def leaks(text: str, secrets: Secrets, *, directory: bool = False) -> list[str]:
    """What of the roster a text gives away (pupil ids as whole JSON strings or subject tokens).

    `directory`: the text is a place of the staff directory, where teachers' names may stand
    in their short form (they are taken out before the rest is looked for)."""
    found = [name for name in secrets.teachers if name in text and not directory]
    if directory:
        for name in secrets.teachers:
            text = text.replace(name, "<teacher>")
    found += [name for name in secrets.refused if name in text]
    found += [pid for pid in secrets.pupil_ids if f'"{pid}"' in text or f".{pid}." in text]
    words = name_forms.tokens(text)
    found += [" ".join(run) for run in name_forms.ngrams(words) & secrets.declined]
    return found


def with_named_texts(school: demo.DemoSchool, count: int = 24) -> tuple[demo.DemoSchool, list[str]]:
    """The demo with `count` lesson saves whose topic and first mark's comment name pupils of
    the school, each in another case and shape; and the mentions written."""
    pupils = sorted(
        s.command.full_name for s in school.steps if isinstance(s.command, c.RegisterPupil)
    )
    written: list[str] = []

    def named(k: int) -> str:
        full_name = pupils[(7 * k) % len(pupils)]
        shape = name_forms.SHAPES[k % len(name_forms.SHAPES)]
        case = name_forms.CASES[(k // 2) % len(name_forms.CASES)]
        text = name_forms.mention(full_name, shape, case, joined="" if k % 3 else " ")
        text = text or name_forms.mention(full_name, "surname-first", case) or full_name
        written.append(text)
        return text

    steps = list(school.steps)
    for at, step in enumerate(steps):
        command = step.command
        if len(written) >= 2 * count:
            break
        if isinstance(command, c.SaveLessonEntries) and command.marks and command.topic:
            k = len(written)
            first = dataclasses.replace(command.marks[0], comment=f"{named(k)} — молодец!")
            steps[at] = dataclasses.replace(
                step,
                command=dataclasses.replace(
                    command,
                    topic=f"{command.topic}. Отвечали: {named(k + 1)}, дежурный",
                    marks=(first, *command.marks[1:]),
                ),
            )
    return dataclasses.replace(school, steps=tuple(steps)), written


Seen = list[tuple[str, bool]]
"""Texts, each with whether it is a place of the staff directory."""


async def _stream_messages(js, stream: str) -> Seen:
    last = (await js.stream_info(stream)).state.last_seq
    texts = []
    for seq in range(1, last + 1):
        msg = await js.get_msg(stream, seq)
        headers = " ".join(f"{k}={v}" for k, v in (msg.headers or {}).items())
        directory = msg.subject.split(".")[3:4] == ["staff"]  # dry.<year>.<school>.staff.<id>
        texts.append((f"{msg.subject} {headers} {msg.data.decode()}", directory))
    return texts


async def _diary_rows(pool, schema: str) -> Seen:
    async with pool.acquire() as conn:
        tables = await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename", schema
        )
        texts = []
        for table in tables:
            name = f"{quote_ident(schema)}.{quote_ident(table['tablename'])}"
            rows = await conn.fetch(
                f"SELECT t::text AS row, to_jsonb(t)->>'kind' AS kind FROM {name} t"
            )
            texts.extend(
                (
                    f"{table['tablename']}: {row['row']}",
                    table["tablename"] == "staff_directory" or row["kind"] == "staff",
                )
                for row in rows
            )
    return texts


async def test_no_name_or_pupil_id_reaches_the_portal_side(
    nats_url, database_url, pg_schema, js, key_store
):
    school, written = with_named_texts(demo.generate(7, pupils_target=150, term_weeks=2))
    secrets = roster_secrets(school)
    pupil_ids = secrets.pupil_ids
    assert len(pupil_ids) >= 140
    assert len(secrets.teachers) >= 10
    # The scan itself sees a name, and a teacher's short name outside the directory.
    assert leaks(f"x {min(secrets.refused)} y", secrets)
    teacher = min(secrets.teachers)
    assert leaks(teacher, secrets) == [teacher]
    assert not leaks(teacher, secrets, directory=True)
    # The scan sees every mention the teachers wrote, in its case and shape, amid other words.
    assert len(written) == 48
    for named in written:
        assert leaks(f'{{"comment":"Сегодня {named}, молодец"}}', secrets), named
    journal = in_memory_deps(
        JetStreamEventStore(js, JOURNAL.name), files=InMemoryFiles(), keys=key_store
    )
    await demo_loader.load(journal, school)
    base = f"/diary/v1/schools/{school.school}/years/{school.year}"
    async with (
        running_diary(nats_url, database_url, f"{pg_schema}_diary") as diary,
        running_exporter(nats_url, database_url, f"{pg_schema}_exporter") as exporter,
    ):
        deps = exporter.runtime.deps
        outcome = await export(deps, school.school, school.year, "full", "api")
        assert outcome.run.records > 100
        assert outcome.run.names_redacted >= len(written)
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
        answers: Seen = []
        # (path, caller, whether the answer shows the directory: `teacher_name`, the list)
        for path, headers, directory in (
            ("/me", parent, False),
            (f"/pupils/{child}/weeks/{first_day}", parent, True),
            (f"/pupils/{child}/days/{first_day}", parent, True),
            (f"/pupils/{child}/subjects/math", parent, False),
            (f"/classes/{class_id}/subjects/math", teacher, False),
            (f"/classes/{class_id}/days/{first_day}", teacher, True),
            ("/teachers", parent, True),
            ("/records", system, True),
            ("/batches", system, False),
            ("/status", system, False),
            ("/me/profile", parent, False),
            ("/me/profile", teacher, False),
            (f"/pupils/{child}/changes", parent, False),
            ("/portal-users", system, False),
        ):
            response = await diary.http.get(base + path, headers=headers)
            assert response.status_code == 200, (path, response.text)
            answers.append((f"{path}: {response.text}", directory))
        assert any(child in answer for answer, _ in answers)
        # The directory is there: teachers are named, in their short form.
        assert {t["short_name"] for t in json.loads(answers[6][0].split(": ", 1)[1])} == (
            secrets.teachers
        )
        week = json.loads(answers[1][0].split(": ", 1)[1])
        assert {x["teacher_name"] for x in week["lessons"]} <= secrets.teachers
        assert any(x["teacher_name"] for x in week["lessons"])

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
            answers.append((f"{path}: {response.text}", False))

        async def read_model_has_the_reply():
            listed = (await diary.http.get(threads, headers=teacher)).json()
            assert listed["unread"] == 1, listed

        await eventually(read_model_has_the_reply, timeout=15)
        messages = await _stream_messages(js, DIARY.name) + await _stream_messages(js, "PORTAL")
        rows = await _diary_rows(diary.runtime.pool, f"{pg_schema}_diary")
        rows += await _diary_rows(diary.runtime.pool, f"{pg_schema}_diary_messages")

    assert len(messages) > outcome.run.records
    assert sum(PLACEHOLDER in text for text, _ in messages) >= 24  # the lessons written above
    assert len(rows) > outcome.run.records
    assert sum(directory for _, directory in messages) >= 1  # the directory's record
    assert any(t.startswith("staff_directory: ") for t, _ in rows)
    for where_seen, texts in (("DIARY", messages), ("tables", rows), ("API", answers)):
        found = {
            leak for text, directory in texts for leak in leaks(text, secrets, directory=directory)
        }
        assert not found, f"{where_seen} gives away {sorted(found)[:5]}"
