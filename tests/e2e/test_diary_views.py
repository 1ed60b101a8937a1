"""The diary over HTTP with dev tokens: who sees what, the views' content, files and records."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import pytest_asyncio

from contracts.streams import DIARY_FILES_BUCKET
from tests.support.diary import absence, attachment, lesson_record, mark
from tests.support.diary_served import (
    ANNA,
    BORIS,
    CLASS_TEACHER,
    PARENT,
    PUPIL,
    TEACHER,
    VERA,
    feed_applied,
    publish_granted,
    two_classes,
)
from tests.support.running import running_diary
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e

MONDAY, WEDNESDAY, NEXT_MONDAY = dt.date(2026, 9, 7), dt.date(2026, 9, 9), dt.date(2026, 9, 14)
FILE_BYTES = b"%PDF-1.4 homework"
BASE = "/diary/v1/schools/s1/years/2026"


def _records() -> list:
    return [
        *two_classes(since=dt.date(2026, 9, 1)),
        lesson_record(
            "l1",
            MONDAY,
            seq=11,
            marks=[
                mark(ANNA, "5", mark_id="m1"),
                mark(ANNA, "3", mark_id="m2", kind="test", weight="2"),
                mark(BORIS, "4", mark_id="m3"),
            ],
        ),
        lesson_record(
            "l2",
            MONDAY,
            slot=2,
            subject_id="rus",
            teacher_id="t-rus",
            seq=12,
            absences=[absence(ANNA)],
        ),
        lesson_record(
            "l3",
            WEDNESDAY,
            seq=13,
            homework="№ 12, 13",
            files=[attachment("att1", FILE_BYTES, "задание.pdf")],
            marks=[mark(ANNA, "н/а", mark_id="m4")],
        ),
        lesson_record("l4", NEXT_MONDAY, seq=14, marks=[mark(ANNA, "2", mark_id="m5")]),
        lesson_record("l9", MONDAY, class_id="5b", seq=15, files=[attachment("att9", b"other")]),
    ]


@pytest_asyncio.fixture(loop_scope="session")
async def diary(nats_url, database_url, pg_schema, js):
    """The diary app on fresh streams with a small school's feed applied."""
    async with running_diary(nats_url, database_url, pg_schema) as running:
        feed = await publish_granted(js, _records(), (PARENT, PUPIL, TEACHER, CLASS_TEACHER))
        store = await js.object_store(DIARY_FILES_BUCKET)
        await store.put("att1", FILE_BYTES)
        await store.put("att9", b"other")
        await feed_applied(running, js)
        yield running, feed


def parent(d) -> dict[str, str]:
    return d.headers("parent-1", "parent", uid=PARENT)


async def get(d, path: str, headers: dict[str, str] | None = None):
    return await d.http.get(BASE + path, headers=headers or {})


async def test_a_parent_sees_their_childs_day_week_and_subject(diary):
    d, _ = diary
    day = (await get(d, f"/pupils/{ANNA}/days/{MONDAY}", parent(d))).json()
    assert [(x["lesson_id"], x["slot"], x["subject_name"]) for x in day["lessons"]] == [
        ("l1", 1, "Математика"),
        ("l2", 2, "Русский язык"),
    ]
    first = day["lessons"][0]
    assert [(m["value"], m["work_kind_name"], m["weight"]) for m in first["marks"]] == [
        ("5", "Ответ на уроке", "1"),
        ("3", "Контрольная работа", "2"),
    ]  # only Anna's marks, never Boris's
    assert first["absence"] is None
    assert day["lessons"][1]["absence"] == {
        "letter": "Б",
        "kind": "absent",
        "minutes_late": None,
        "reason": "illness",
    }

    week = (await get(d, f"/pupils/{ANNA}/weeks/{WEDNESDAY}", parent(d))).json()
    assert (week["starts_on"], week["ends_on"]) == ("2026-09-07", "2026-09-13")
    assert [x["lesson_id"] for x in week["lessons"]] == ["l1", "l2", "l3"]
    homework = week["lessons"][2]
    assert homework["homework"] == "№ 12, 13"
    assert homework["files"] == [
        {
            "attachment_id": "att1",
            "name": "задание.pdf",
            "size": len(FILE_BYTES),
            "media_type": "application/pdf",
            "url": f"{BASE}/files/att1",
        }
    ]

    subject = (await get(d, f"/pupils/{ANNA}/subjects/math?period=q1", parent(d))).json()
    assert [m["mark"]["value"] for m in subject["marks"]] == ["5", "3", "н/а", "2"]
    # (5·1 + 3·2 + 2·1) / 4 = 3.25; "н/а" has no number
    assert subject["average"] == "3.25"
    assert subject["period_id"] == "q1"
    assert subject["period_mark"] is None
    none = (await get(d, f"/pupils/{ANNA}/subjects/hist?period=q1", parent(d))).json()
    assert (none["marks"], none["average"]) == ([], None)


async def test_the_pupil_sees_themselves_and_nobody_else(diary):
    d, _ = diary
    me = d.headers("pupil-1", "pupil", uid=PUPIL)
    assert (await get(d, f"/pupils/{ANNA}/days/{MONDAY}", me)).status_code == 200
    refused = await get(d, f"/pupils/{BORIS}/days/{MONDAY}", me)
    assert (refused.status_code, refused.json()["reason"]) == (403, "no_grant")


async def test_another_pupil_is_refused_to_a_parent(diary):
    d, _ = diary
    for path in (f"/pupils/{BORIS}/days/{MONDAY}", f"/pupils/{VERA}/subjects/math"):
        response = await get(d, path, parent(d))
        assert response.status_code == 403
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["reason"] == "no_grant"


async def test_a_subject_teacher_sees_only_their_subject(diary):
    d, _ = diary
    teacher = d.headers("t-math", "teacher", uid=TEACHER)
    week = (await get(d, f"/pupils/{ANNA}/weeks/{MONDAY}", teacher)).json()
    assert [x["lesson_id"] for x in week["lessons"]] == ["l1", "l3"]
    assert (await get(d, f"/pupils/{ANNA}/subjects/rus", teacher)).json()["reason"] == "no_grant"
    assert (await get(d, f"/pupils/{VERA}/days/{MONDAY}", teacher)).status_code == 403

    grid = (await get(d, "/classes/5a/subjects/math?period=q1", teacher)).json()
    assert [x["lesson_id"] for x in grid["lessons"]] == ["l1", "l3", "l4"]
    averages = {row["pupil"]: row["average"] for row in grid["pupils"]}
    assert averages == {ANNA: "3.25", BORIS: "4.00"}
    refused = await get(d, "/classes/5a/subjects/rus", teacher)
    assert (refused.status_code, refused.json()["reason"]) == (403, "no_grant")

    day = (await get(d, f"/classes/5a/days/{MONDAY}", teacher)).json()
    assert [x["subject_id"] for x in day["lessons"]] == ["math"]
    assert {m["pupil"] for m in day["lessons"][0]["marks"]} == {ANNA, BORIS}


async def test_a_class_teacher_sees_every_subject_of_their_class(diary):
    d, _ = diary
    teacher = d.headers("t-class", "teacher", uid=CLASS_TEACHER)
    day = (await get(d, f"/classes/5a/days/{MONDAY}", teacher)).json()
    assert [x["subject_id"] for x in day["lessons"]] == ["math", "rus"]
    week = (await get(d, f"/pupils/{ANNA}/weeks/{MONDAY}", teacher)).json()
    assert [x["lesson_id"] for x in week["lessons"]] == ["l1", "l2", "l3"]
    assert (await get(d, "/classes/5a/subjects/rus", teacher)).status_code == 200
    assert (await get(d, f"/classes/5b/days/{MONDAY}", teacher)).status_code == 403


async def test_a_revoked_grant_refuses_at_once(diary):
    d, feed = diary
    assert (await get(d, f"/pupils/{ANNA}/days/{MONDAY}", parent(d))).status_code == 200
    await feed.revoke("g-parent", PARENT, "withdrawn")

    async def refused() -> None:
        response = await get(d, f"/pupils/{ANNA}/days/{MONDAY}", parent(d))
        assert response.status_code == 403
        assert response.json()["reason"] == "no_grant"

    await eventually(refused)
    assert (await get(d, "/me", parent(d))).json() == []


async def test_files_download_only_within_scope(diary):
    d, _ = diary
    response = await get(d, "/files/att1", parent(d))
    assert response.status_code == 200
    assert response.content == FILE_BYTES
    assert response.headers["content-type"] == "application/pdf"
    assert "attachment" in response.headers["content-disposition"]
    assert "%D0%B7%D0%B0%D0%B4" in response.headers["content-disposition"]  # "зад…" encoded
    for attachment_id in ("att9", "nowhere"):  # another class's file; an unknown one
        missing = await get(d, f"/files/{attachment_id}", parent(d))
        assert (missing.status_code, missing.json()["reason"]) == (404, "not_found")
    teacher = d.headers("t-class", "teacher", uid=CLASS_TEACHER)
    assert (await get(d, "/files/att1", teacher)).content == FILE_BYTES


async def test_me_lists_live_grants(diary):
    d, _ = diary
    grants = (await get(d, "/me", d.headers("t-math", "teacher", uid=TEACHER))).json()
    assert [(g["grant_id"], g["class_id"], g["subject_id"]) for g in grants] == [
        ("g-math", "5a", "math")
    ]


async def test_refusals_are_problems_with_reasons(diary):
    d, _ = diary
    path = f"/pupils/{ANNA}/days/{MONDAY}"
    assert (await get(d, path)).status_code == 401
    cases = {
        "wrong_school": d.headers("parent-1", "parent", uid=PARENT, school="s2"),
        "no_uid": d.headers("parent-1", "parent"),
        "wrong_role": d.headers("adm", "admin", uid=9),
    }
    for reason, headers in cases.items():
        response = await get(d, path, headers)
        assert (response.status_code, response.json()["reason"]) == (403, reason)
    invalid = await get(d, f"/pupils/{ANNA}/days/2026-13-40", parent(d))
    assert invalid.status_code == 422
    not_a_pseudonym = await get(d, f"/pupils/Ivanov/days/{MONDAY}", parent(d))
    assert not_a_pseudonym.status_code == 422
    unknown_period = await get(d, f"/pupils/{ANNA}/subjects/math?period=q9", parent(d))
    assert (unknown_period.status_code, unknown_period.json()["reason"]) == (404, "not_found")
    operator_only = await get(d, "/records", parent(d))
    assert (operator_only.status_code, operator_only.json()["reason"]) == (403, "wrong_role")


async def test_records_stream_as_ndjson_in_kind_and_id_order(diary):
    d, _ = diary
    admin = d.headers("adm", "admin")
    response = await get(d, "/records", admin)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert [(x["kind"], x["id"]) for x in lines] == [
        ("class", "5a"),
        ("class", "5b"),
        ("lesson", "l1"),
        ("lesson", "l2"),
        ("lesson", "l3"),
        ("lesson", "l4"),
        ("lesson", "l9"),
        ("school", "s1"),
    ]
    by_id = {record.record_id: record for record in _records()}
    assert lines[2]["content"] == by_id["l1"].content()
    assert lines[2]["seq"] == 11
    lessons = await get(d, "/records?kind=lesson", d.headers("sys", "system"))
    assert len(lessons.text.splitlines()) == 5


async def test_operators_see_batches_and_status(diary):
    d, feed = diary
    admin = d.headers("adm", "admin")
    await feed.publish_record(feed.batch([lesson_record("l5", MONDAY, seq=99)]).records[0])
    batches = (await get(d, "/batches?limit=5", admin)).json()
    assert [(b["status"], b["records"]) for b in batches] == [("applied", 8)]

    async def pending() -> dict:
        status = (await get(d, "/status", admin)).json()
        assert status["feed"]["staged_records"] == 1
        return status

    status = await eventually(pending)
    assert status["feed"]["dead_letters"] == 0
    assert status["feed"]["applied_batches"] == 1
    assert status["projector"]["healthy"] is True
    ready = await d.http.get("/readyz")
    assert ready.json()["checks"] == {"nats": True, "postgres": True, "projector": True}
