"""The monthly check over HTTP: a September with known gaps, a check, a remark from issue to
confirmation (through the automatic 'fixed' state), closing, and the reports."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io

import pytest

from tests.support.clock import FakeClock
from tests.support.journal import (
    CLASS_ID,
    DEPUTY,
    FIRST_MONDAY,
    MATH_TEACHER,
    PUPILS,
    RUSSIAN_TEACHER,
    math_lesson_id,
)
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e

YEAR_PATH = "/journal/v1/schools/s1/years/2026"
BASE = f"{YEAR_PATH}/classes/{CLASS_ID}"
COMPLETE = math_lesson_id(FIRST_MONDAY)  # entered in full on its day, one absence unexplained
UNTOUCHED = f"{CLASS_ID}-{FIRST_MONDAY:%Y%m%d}-2"  # Russian, nothing entered
NO_TOPIC = math_lesson_id(FIRST_MONDAY + dt.timedelta(days=2), 2)  # held, attendance, no topic
LATE = math_lesson_id(FIRST_MONDAY + dt.timedelta(days=7))  # entered two days after


def at(day: dt.date, hour_utc: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour_utc, tzinfo=dt.UTC)


@pytest.fixture
def clock(journal):
    """The app's clock, standing still until the test moves it."""
    fake = FakeClock(at(FIRST_MONDAY))
    journal.app.state.deps = dataclasses.replace(journal.runtime.deps, clock=fake)
    return fake


def deputy(journal):
    return journal.headers(DEPUTY.id, "deputy")


def math(journal):
    return journal.headers(MATH_TEACHER.id, "teacher")


async def _ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json()


async def _enter_september(journal, clock):
    full = {
        "topic": "Натуральные числа",
        "marks": [{"pupil_id": PUPILS[0], "value": "5", "work_kind_id": "oral"}],
        "attendance": [{"pupil_id": PUPILS[2], "kind": "absent"}],
    }
    await _ok(
        await journal.http.post(
            f"{BASE}/lessons/{COMPLETE}/entries", json=full, headers=math(journal)
        )
    )
    clock.moment = at(FIRST_MONDAY + dt.timedelta(days=2))
    partial = {"attendance": []}
    await _ok(
        await journal.http.post(
            f"{BASE}/lessons/{NO_TOPIC}/entries", json=partial, headers=math(journal)
        )
    )
    clock.moment = at(FIRST_MONDAY + dt.timedelta(days=9))  # Wednesday after the lesson
    late = {"topic": "Дроби", "attendance": []}
    await _ok(
        await journal.http.post(f"{BASE}/lessons/{LATE}/entries", json=late, headers=math(journal))
    )
    clock.moment = at(dt.date(2026, 10, 2))


async def _lesson_is_shown(journal, lesson_id):
    response = await journal.http.get(f"{BASE}/lessons/{lesson_id}", headers=deputy(journal))
    assert response.status_code == 200, response.text


async def _check(journal, check_id, headers=None):
    return await _ok(
        await journal.http.get(f"{YEAR_PATH}/checks/{check_id}", headers=headers or deputy(journal))
    )


async def test_a_remark_from_issue_to_confirmation_through_the_automatic_fix(journal, clock):
    await _enter_september(journal, clock)

    async def september_is_projected():
        detail = await _ok(
            await journal.http.get(f"{BASE}/lessons/{LATE}", headers=deputy(journal))
        )
        assert detail["topic"] == "Дроби"

    await eventually(september_is_projected)
    opened = await _ok(
        await journal.http.post(
            f"{YEAR_PATH}/checks",
            json={"month": "2026-09", "scope": "school"},
            headers=deputy(journal),
        ),
        201,
    )
    check_id = opened["check_id"]

    async def check_is_shown():
        return await _check(journal, check_id)

    check = await eventually(check_is_shown)
    at_opening = {f["finding_id"] for f in check["findings"] if f["at_opening"]}
    assert {
        f"absence_without_reason:{COMPLETE}:{PUPILS[2]}",
        f"not_marked_held:{UNTOUCHED}",
        f"no_topic:{UNTOUCHED}",
        f"no_attendance:{UNTOUCHED}",
        f"no_topic:{NO_TOPIC}",
        f"late_entry:{LATE}",
    } <= at_opening
    assert not {f for f in at_opening if f.endswith(f":{COMPLETE}")}
    assert f"no_attendance:{NO_TOPIC}" not in at_opening
    assert {f["finding_id"] for f in check["findings"] if f["now"]} == at_opening

    # The deputy issues a remark about the missing topic; it goes to the lesson's teacher.
    text = "Запишите тему урока <b>9 сентября</b>"
    remark = await _ok(
        await journal.http.post(
            f"{YEAR_PATH}/checks/{check_id}/remarks",
            json={"text": text, "finding_id": f"no_topic:{NO_TOPIC}"},
            headers=deputy(journal),
        ),
        201,
    )
    remark_id = remark["remark_id"]
    remark_path = f"{YEAR_PATH}/checks/{check_id}/remarks/{remark_id}"

    async def teacher_sees(shown_status):
        remarks = await _ok(
            await journal.http.get(
                f"{YEAR_PATH}/teachers/{MATH_TEACHER.id}/remarks", headers=math(journal)
            )
        )
        assert [(r["remark_id"], r["shown_status"]) for r in remarks] == [(remark_id, shown_status)]
        return remarks[0]

    mine = await eventually(lambda: teacher_sees("issued"))
    assert (mine["lesson_id"], mine["teacher_name"]) == (NO_TOPIC, "Иванова Анна Петровна")
    other = journal.headers(RUSSIAN_TEACHER.id, "teacher")
    refused = await journal.http.get(
        f"{YEAR_PATH}/teachers/{MATH_TEACHER.id}/remarks", headers=other
    )
    assert (refused.status_code, refused.json()["reason"]) == (403, "not_your_remarks")
    refused = await journal.http.post(f"{remark_path}/resolve", headers=other)
    assert (refused.status_code, refused.json()["reason"]) == (403, "not_remark_teacher")
    refused = await journal.http.post(f"{remark_path}/confirm", headers=deputy(journal))
    assert (refused.status_code, refused.json()["reason"]) == (
        409,
        "remark_not_awaiting_confirmation",
    )

    # The teacher fixes the journal: the finding is gone, the remark shows fixed automatically.
    await _ok(
        await journal.http.put(
            f"{BASE}/lessons/{NO_TOPIC}/topic",
            json={"topic": "Сравнение дробей"},
            headers=math(journal),
        )
    )
    fixed = await eventually(lambda: teacher_sees("fixed_automatically"))
    assert (fixed["status"], fixed["auto_fixed"]) == ("issued", True)
    now = {f["finding_id"] for f in (await _check(journal, check_id))["findings"] if f["now"]}
    assert f"no_topic:{NO_TOPIC}" not in now
    assert f"late_entry:{NO_TOPIC}" in now  # the topic came weeks after the lesson

    # The teacher marks it done and the deputy confirms.
    await _ok(
        await journal.http.post(
            f"{remark_path}/resolve", json={"note": "Тема записана"}, headers=math(journal)
        )
    )
    await _ok(await journal.http.post(f"{remark_path}/confirm", headers=deputy(journal)))

    async def confirmed():
        (shown,) = (await _check(journal, check_id))["remarks"]
        assert shown["shown_status"] == "confirmed"
        return shown

    shown = await eventually(confirmed)
    assert (shown["status"], shown["resolve_note"], shown["auto_fixed"]) == (
        "confirmed",
        "Тема записана",
        True,
    )

    # Closed, the check takes no more remarks.
    await _ok(
        await journal.http.post(f"{YEAR_PATH}/checks/{check_id}/close", headers=deputy(journal))
    )
    refused = await journal.http.post(
        f"{YEAR_PATH}/checks/{check_id}/remarks",
        json={"text": "ещё", "about": "teacher", "teacher_id": RUSSIAN_TEACHER.id},
        headers=deputy(journal),
    )
    assert (refused.status_code, refused.json()["reason"]) == (409, "check_closed")

    await _reports(journal, check_id, text)


async def _reports(journal, check_id, text):
    async def closed_report():
        page = await journal.http.get(
            f"{YEAR_PATH}/checks/{check_id}/report",
            params={"by": "teacher"},
            headers=journal.headers("h1", "head"),
        )
        assert page.status_code == 200, page.text
        assert "закрыта" in page.text
        return page

    page = await eventually(closed_report)
    assert page.headers["content-type"].startswith("text/html")
    assert "Проверка журнала за 2026-09" in page.text
    assert "Иванова Анна Петровна" in page.text
    assert "&lt;b&gt;9 сентября&lt;/b&gt;" in page.text
    assert "<b>9" not in page.text
    assert "подтверждено" in page.text

    response = await journal.http.get(
        f"{YEAR_PATH}/checks/{check_id}/report",
        params={"by": "class", "format": "csv"},
        headers=journal.headers("a1", "admin"),
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Класс", "Код", "Нарушений при открытии", "Нарушений сейчас"]
    (line,) = [row for row in rows[1:] if row[1] == CLASS_ID]
    assert line[0] == "5А"
    assert int(line[2]) >= 6
    assert line[4] == "1"  # one remark, confirmed
    assert line[rows[0].index("подтверждено")] == "1"


async def test_who_may_do_what_with_checks(journal, clock):
    clock.moment = at(dt.date(2026, 10, 2))
    body = {"month": "2026-09", "scope": "teacher", "target_id": MATH_TEACHER.id}
    for headers in (journal.headers("h1", "head"), math(journal), journal.headers("a1", "admin")):
        refused = await journal.http.post(f"{YEAR_PATH}/checks", json=body, headers=headers)
        assert (refused.status_code, refused.json()["reason"]) == (403, "role_not_allowed")
    refused = await journal.http.get(f"{YEAR_PATH}/checks", headers=math(journal))
    assert refused.status_code == 403
    # The role is checked before the body: a teacher with a bad body is still refused.
    refused = await journal.http.post(
        f"{YEAR_PATH}/checks", json={"month": "x"}, headers=math(journal)
    )
    assert refused.status_code == 403
    bad = await journal.http.post(
        f"{YEAR_PATH}/checks", json={"month": "2026-13"}, headers=deputy(journal)
    )
    assert bad.status_code == 422
    await eventually(lambda: _lesson_is_shown(journal, math_lesson_id(dt.date(2026, 9, 30), 2)))
    not_begun = await journal.http.post(
        f"{YEAR_PATH}/checks", json={"month": "2026-12"}, headers=deputy(journal)
    )
    assert (not_begun.status_code, not_begun.json()["reason"]) == (422, "invalid_check")
    opened = await _ok(
        await journal.http.post(f"{YEAR_PATH}/checks", json=body, headers=deputy(journal)), 201
    )

    async def listed():
        checks = await _ok(
            await journal.http.get(f"{YEAR_PATH}/checks", headers=journal.headers("h1", "head"))
        )
        assert [c["check_id"] for c in checks] == [opened["check_id"]]
        return checks[0]

    summary = await eventually(listed)
    assert (summary["scope"], summary["target_id"], summary["closed"]) == (
        "teacher",
        MATH_TEACHER.id,
        False,
    )
    assert summary["findings_at_opening"] > 0
    missing = await journal.http.get(f"{YEAR_PATH}/checks/c-nope", headers=deputy(journal))
    assert missing.status_code == 404
