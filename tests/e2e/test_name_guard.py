"""A teacher names a pupil of the class in texts for the diary: the journal saves them as typed
and warns; the next export replaces every mention with «[ученик]» before it leaves, so the
diary (its API, its tables and the DIARY stream) never holds the name; the export run and the
exporter's /metrics count the replacements; and the diary check still agrees."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import pytest_asyncio

from contracts.streams import DIARY, ENROLLMENT, JOURNAL
from services.common.eventstore_jetstream import JetStreamEventStore
from services.common.keystore import keys_of_payloads
from services.common.name_guard import PLACEHOLDER
from services.exporter.adapters.record_feeds import (
    DIARY_RECORDS_PATH,
    JOURNAL_FACTS_PATH,
    HttpRecordFeed,
)
from services.exporter.application.agreement import DiaryCheck
from services.journal.application import roster
from services.journal.domain import commands as c
from tests.support.enrollment_events import EnrollmentWriter
from tests.support.journal import (
    ADMIN,
    CLASS_ID,
    FIRST_MONDAY,
    MATH_TEACHER,
    PUPILS,
    math_lesson_id,
    meta,
    seed_small_school,
)
from tests.support.running import running_diary, running_exporter, running_journal
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e

SCHOOL, YEAR = "s1", 2026
PUPIL, NAME = "p-akimova", "Акимова Вероника Антоновна"
LESSON = math_lesson_id(FIRST_MONDAY)
JOURNAL_LESSON = f"/journal/v1/schools/{SCHOOL}/years/{YEAR}/classes/{CLASS_ID}/lessons/{LESSON}"
DIARY_BASE = f"/diary/v1/schools/{SCHOOL}/years/{YEAR}"
RUNS = f"/exporter/v1/schools/{SCHOOL}/years/{YEAR}/runs"
PARENT_UID = 100001
NAME_PARTS = ("Акимов", "Вероник", "Антоновн", "В. А.")


@pytest_asyncio.fixture(loop_scope="session")
async def services(nats_url, database_url, pg_schema, js):
    async with (
        running_journal(nats_url, database_url, pg_schema) as journal,
        running_diary(nats_url, database_url, f"{pg_schema}_diary") as diary,
        running_exporter(nats_url, database_url, f"{pg_schema}_exporter") as exporter,
    ):
        deps = journal.runtime.deps
        await seed_small_school(deps)
        await roster.register_pupil(
            deps, meta(ADMIN), c.RegisterPupil(PUPIL, NAME, dt.date(2015, 5, 4))
        )
        await roster.run_class(
            deps, meta(ADMIN), CLASS_ID, c.AddPupilToClass(PUPIL, dt.date(2026, 9, 1))
        )
        await journal.runtime.projector.drain()  # the roster the warnings read
        yield journal, diary, exporter


def warned_fields(answer) -> list[str]:
    warnings = answer.json()["warnings"]
    assert all(w["reason"] == "pupil_name_in_diary_text" for w in warnings), warnings
    assert all("[ученик]" in w["detail"] for w in warnings), warnings
    return [w["field"] for w in warnings]


async def test_a_named_pupil_reaches_the_diary_redacted_and_the_teacher_was_warned(services, js):
    journal, diary, exporter = services
    teacher = journal.headers(MATH_TEACHER.id, "teacher")
    body = {
        "topic": "Сложение дробей",
        "homework": {"text": "§12, упр. 3-5"},
        "marks": [
            {"pupil_id": PUPIL, "value": "5", "work_kind_id": "test",
             "comment": "Акимовой Веронике — молодец!"},
            {"pupil_id": PUPILS[0], "value": "4", "work_kind_id": "oral", "comment": "Хорошо"},
        ],
    }  # fmt: skip
    saved = await journal.http.post(f"{JOURNAL_LESSON}/entries", json=body, headers=teacher)
    assert saved.status_code == 200, saved.text  # saved as before
    assert warned_fields(saved) == ["marks[0].comment"]
    assert len(saved.json()["mark_ids"]) == 2
    topic = await journal.http.put(
        f"{JOURNAL_LESSON}/topic", json={"topic": "Доклад: В. А. Акимова"}, headers=teacher
    )
    assert topic.status_code == 200, topic.text
    assert warned_fields(topic) == ["topic"]
    plain = await journal.http.put(
        f"{JOURNAL_LESSON}/homework", json={"text": "Повторить правило"}, headers=teacher
    )
    assert (plain.status_code, plain.json()["warnings"]) == (200, [])
    # The journal keeps what the teacher typed (school side).
    await journal.runtime.projector.drain()
    kept = (await journal.http.get(JOURNAL_LESSON, headers=teacher)).json()
    assert kept["topic"] == "Доклад: В. А. Акимова"
    assert "Акимовой Веронике — молодец!" in [m["comment"] for m in kept["marks"]]
    # ... while the JOURNAL stream carries them redacted, as typed only under her key.
    on_the_stream = await journal_messages(js)
    assert not [b for b in on_the_stream if any(part in b for part in NAME_PARTS)]
    named = [json.loads(b)["data"]["named"] for b in on_the_stream if '"named"' in b]
    assert [[(e["at"], e["keys"]) for e in n] for n in named] == [
        [(["marks", 0, "comment"], [f"{SCHOOL}/pupil/{PUPIL}"])],
        [(["topic"], [f"{SCHOOL}/pupil/{PUPIL}"])],
    ]

    admin = exporter.headers("adm1", "admin")
    run = await exporter.http.post(RUNS, json={"kind": "delta"}, headers=admin)
    assert run.status_code == 201, run.text
    assert (run.json()["status"], run.json()["names_redacted"]) == ("published", 2)
    listed = (await exporter.http.get(RUNS, headers=admin)).json()
    assert listed[0]["names_redacted"] == 2
    metrics = (await exporter.http.get("/metrics")).text
    counted = [line for line in metrics.splitlines() if line.startswith("export_names_redacted")]
    assert any('kind="delta"' in line and float(line.split()[-1]) >= 2 for line in counted)

    system = diary.headers("exporter", "system")
    batch_id = run.json()["batch_id"]

    async def applied():
        batches = (await diary.http.get(f"{DIARY_BASE}/batches", headers=system)).json()
        assert {b["batch_id"]: b["status"] for b in batches}.get(batch_id) == "applied"

    await eventually(applied, timeout=30)

    # The DIARY stream: the lesson's record carries the mark, never the name.
    last = (await js.stream_info(DIARY.name)).state.last_seq
    bodies = [(await js.get_msg(DIARY.name, seq)).data.decode() for seq in range(1, last + 1)]
    assert not [b for b in bodies if any(part in b for part in NAME_PARTS)]
    lessons = [json.loads(b)["data"] for b in bodies if f'"lesson_id":"{LESSON}"' in b]
    record = lessons[-1]
    assert record["topic"] == f"Доклад: {PLACEHOLDER}"
    comments = sorted(m["comment"] for m in record["marks"])
    assert comments == [f"{PLACEHOLDER} — молодец!", "Хорошо"]

    # The diary's API: the pupil's parent sees the mark and its comment, redacted.
    pupil = exporter.runtime.pseudonymiser.of(PUPIL)
    writer = EnrollmentWriter(JetStreamEventStore(js, ENROLLMENT.name), SCHOOL, YEAR)
    await writer.link(PUPIL, PARENT_UID)
    parent = diary.headers("parent-1", "parent", uid=PARENT_UID)

    async def day():
        answer = await diary.http.get(
            f"{DIARY_BASE}/pupils/{pupil}/days/{FIRST_MONDAY}", headers=parent
        )
        assert answer.status_code == 200, answer.text
        return answer.text

    shown = await eventually(day, timeout=30)
    assert f"{PLACEHOLDER} — молодец!" in shown
    assert f"Доклад: {PLACEHOLDER}" in shown
    assert not any(part in shown for part in NAME_PARTS)
    records = (await diary.http.get(f"{DIARY_BASE}/records", headers=system)).text
    assert PLACEHOLDER in records
    assert not any(part in records for part in NAME_PARTS)

    # The diary check compares the journal's texts redacted the same way: they agree.
    def tokens(service):
        return lambda school: service.issuer.mint("exporter", ["system"], school)

    check = DiaryCheck(
        journal=HttpRecordFeed(journal.http, "http://journal", JOURNAL_FACTS_PATH, tokens(journal)),
        diary=HttpRecordFeed(diary.http, "http://diary", DIARY_RECORDS_PATH, tokens(diary)),
        pseudonym=exporter.runtime.pseudonymiser.of,
        names=exporter.runtime.state,
    )
    report = await check.run(SCHOOL, YEAR, dt.datetime.now(dt.UTC))
    assert report.agrees, report.differences


async def journal_messages(js) -> list[str]:
    """Every body of the JOURNAL stream, as it travels."""
    last = (await js.stream_info(JOURNAL.name)).state.last_seq
    return [(await js.get_msg(JOURNAL.name, seq)).data.decode() for seq in range(1, last + 1)]


async def opened_journal_messages(js, keys) -> list[str]:
    """Every payload of the JOURNAL stream opened with the keys the store still has."""
    opened = []
    for body in await journal_messages(js):
        envelope = json.loads(body)
        data = envelope["data"]
        ring = await keys.ring(keys_of_payloads([data]))
        opened.append(json.dumps(ring(envelope["event_type"], data), ensure_ascii=False))
    return opened


async def test_an_erased_pupils_name_stays_out_of_the_texts_a_later_full_export_sends(services, js):
    journal, diary, exporter = services
    teacher = journal.headers(MATH_TEACHER.id, "teacher")
    body = {"marks": [{"pupil_id": PUPIL, "value": "5", "work_kind_id": "test",
                       "comment": "Акимовой Веронике — молодец!"}]}  # fmt: skip
    saved = await journal.http.post(f"{JOURNAL_LESSON}/entries", json=body, headers=teacher)
    assert saved.status_code == 200, saved.text
    await journal.runtime.projector.drain()  # the erasure looks for her name in the view

    admin = journal.headers("adm1", "admin")
    erased = await journal.http.post(
        f"/journal/v1/schools/{SCHOOL}/people/pupil/{PUPIL}/erasure",
        json={"reason": "заявление законного представителя"},
        headers=admin,
    )
    assert erased.status_code == 201, erased.text

    # The journal shows the comment with the placeholder from now on.
    await journal.runtime.projector.drain()
    lesson = (await journal.http.get(JOURNAL_LESSON, headers=teacher)).json()
    assert [m["comment"] for m in lesson["marks"]] == [f"{PLACEHOLDER} — молодец!"]
    # Every earlier event too: opened with every key left, none holds her name any more.
    opened = await opened_journal_messages(js, journal.runtime.deps.keys)
    assert not [b for b in opened if any(part in b for part in NAME_PARTS)]

    # A full export after the erasure, when nothing knows her name any more, sends no name.
    runs_admin = exporter.headers("adm1", "admin")
    run = await exporter.http.post(RUNS, json={"kind": "full"}, headers=runs_admin)
    assert run.status_code == 201, run.text
    assert run.json()["status"] == "published", run.text
    system = diary.headers("exporter", "system")

    async def applied():
        batches = (await diary.http.get(f"{DIARY_BASE}/batches", headers=system)).json()
        assert {b["batch_id"]: b["status"] for b in batches}.get(
            run.json()["batch_id"]
        ) == "applied"

    await eventually(applied, timeout=30)
    last = (await js.stream_info(DIARY.name)).state.last_seq
    bodies = [(await js.get_msg(DIARY.name, seq)).data.decode() for seq in range(1, last + 1)]
    assert not [b for b in bodies if any(part in b for part in NAME_PARTS)]
    [record] = [json.loads(b)["data"] for b in bodies if f'"lesson_id":"{LESSON}"' in b]
    assert [m["comment"] for m in record["marks"]] == [f"{PLACEHOLDER} — молодец!"]
    records = (await diary.http.get(f"{DIARY_BASE}/records", headers=system)).text
    assert f"{PLACEHOLDER} — молодец!" in records
    assert not any(part in records for part in NAME_PARTS)
