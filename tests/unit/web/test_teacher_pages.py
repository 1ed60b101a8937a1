"""The teacher's pages through the web app with a fake journal: the day, the lesson page and
its two ways of saving (the script's JSON, the plain form), the class journal, a file.

The journal is a fake standing in for the HTTP APIs (`Backends`); the app, its session,
CSRF check, templates and error pages are the real ones.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import pytest_asyncio

from services.web.application.ports import ApiRefused, ApiUnavailable, Download
from tests.support.fake_apis import Call, FakeBackends, stored
from tests.support.page_forms import csrf_of, field_of
from tests.support.web import signed_in_client

BASE = "/schools/s1/years/2026"
LESSON = f"{BASE}/classes/5a/lessons/5a-20261204-7"
ROSTER = {
    "periods": [{"period_id": "q2", "name": "2 четверть", "starts_on": "2026-11-05",
                 "ends_on": "2026-12-28", "closed": False}],
    "starts_on": "2026-09-01",
    "scale": [{"value": str(v), "numeric": v} for v in range(1, 6)],
    "work_kinds": [{"work_kind_id": "classwork", "name": "Работа на уроке", "weight": "1"},
                   {"work_kind_id": "test", "name": "Контрольная работа", "weight": "2"}],
    "subjects": [{"subject_id": "math", "name": "Математика"}],
    "classes": [{"class_id": "5a", "label": "5А", "class_teacher_id": "t001"}],
    "assignments": [{"class_id": "5a", "subject_id": "math", "teacher_id": "t015", "group": None}],
}  # fmt: skip
DETAIL = {
    "lesson_id": "5a-20261204-7", "class_id": "5a", "class_label": "5А", "subject_id": "math",
    "subject_name": "Математика", "date": "2026-12-04", "slot": 7, "status": "scheduled",
    "cancel_reason": None, "topic": None, "substituted": False, "attendance_taken": False,
    "teacher": {"staff_id": "t015", "full_name": "Пестова Жанна Руслановна"},
    "timetabled_teacher": {"staff_id": "t015", "full_name": "Пестова Жанна Руслановна"},
    "homework": {"text": None, "due_on": None, "attachments": [
        {"attachment_id": "att-1", "name": "задание.pdf", "size": 2048,
         "media_type": "application/pdf", "sha256": "x"}]},
    "marks": [{"mark_id": "m-old", "pupil_id": "p1", "value": "4", "work_kind_id": "test",
               "weight": "2.00", "counts": True, "cancelled": False}],
    "absences": [],
    "pupils": [{"pupil_id": "p1", "full_name": "Акимова Вероника"},
               {"pupil_id": "p2", "full_name": "Белов Кирилл"}],
}  # fmt: skip


@dataclass
class FakeJournal(FakeBackends):
    """GET answers by path; writes recorded and answered (or refused / down)."""

    gets: dict[str, Any] = field(default_factory=dict)
    sent: list[tuple[str, str, Any, str | None]] = field(default_factory=list)
    refusal: ApiRefused | None = None
    down: bool = False

    def answer_get(self, call: Call) -> Any:
        return stored(self.gets, call.path, ApiRefused(404, "not_found", call.path))

    def answer_download(self, call: Call) -> Download:
        assert call.path == f"{LESSON}/homework/attachments/att-1"
        return Download(b"%PDF-1", "application/pdf", "attachment; filename*=UTF-8''x.pdf")

    def answer_send(self, call: Call) -> Any:
        if self.down:
            raise ApiUnavailable("journal", "down")
        self.sent.append((call.method, call.path, call.json, call.idempotency_key))
        if self.refusal is not None:
            raise self.refusal
        self._show(call.path, call.json)
        return {"seq": 1, "duplicate": False, "mark_ids": [], "event_type": "x"}

    def _show(self, path: str, body: Any) -> None:
        """The view follows the write (as the journal's projection does a moment later)."""
        lesson = dict(self.gets[LESSON])
        if path.endswith("/entries"):
            lesson["status"] = "held" if body["held"] else lesson["status"]
            lesson["topic"] = body.get("topic", lesson["topic"])
            if "attendance" in body:
                lesson["attendance_taken"] = True
                lesson["absences"] = [a | {"reason": "unknown"} for a in body["attendance"]]
        elif path.endswith("/reason"):
            pupil = path.split("/")[-2]
            lesson["absences"] = [
                a | {"reason": body["reason"]} if a["pupil_id"] == pupil else a
                for a in lesson["absences"]
            ]
        self.gets[LESSON] = lesson


@pytest.fixture
def journal() -> FakeJournal:
    return FakeJournal(gets={LESSON: DETAIL, f"{BASE}/roster": ROSTER})


@pytest_asyncio.fixture
async def client(journal: FakeJournal) -> AsyncIterator[httpx.AsyncClient]:
    """The web app (its lifespan not run: the fake journal is its Deps), signed in as t015."""
    async with signed_in_client(journal, "t015", "teacher", "Пестова Жанна Руслановна") as http:
        yield http


def key_of(page: str) -> str | None:
    return field_of(page, "key")


def form_of(page: str, **typed: str) -> dict[str, str]:
    fields = {
        "csrf_token": csrf_of(page),
        "key": key_of(page),
        "held": "1",
        "kind.0": "classwork",
        "mark.0.p1": "",
        "att.p1": "",
        "mark.0.p2": "",
        "att.p2": "",
    }
    return fields | typed


async def test_the_lesson_page_shows_the_class_grid_with_existing_marks_and_a_fresh_key(client):
    page = await client.get("/lessons/5a/5a-20261204-7")
    assert page.status_code == 200
    html = page.text
    assert "Математика, 5А — пятница, 4 декабря 2026, 7-й урок" in html
    assert 'title="Контрольная работа, вес 2">4</span>' in html  # an existing mark, read-only
    assert 'id="mark.0.p1"' in html
    assert 'id="att.p2"' in html
    assert '<option value="classwork" selected>' in html
    assert 'href="/lessons/5a/5a-20261204-7/attachments/att-1"' in html
    assert key_of(html) != key_of((await client.get("/lessons/5a/5a-20261204-7")).text)


async def test_the_json_save_passes_the_whole_class_save_with_the_forms_key(client, journal):
    page = (await client.get("/lessons/5a/5a-20261204-7")).text
    fields = form_of(page, **{"mark.0.p1": "5", "att.p2": "Б", "topic": "Дроби"})
    answer = await client.post(
        "/lessons/5a/5a-20261204-7/save", data=fields, headers={"X-CSRF-Token": csrf_of(page)}
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["saved"] is True
    assert body["shown"] is True  # the save waited for the view to show it
    assert body["key"] != fields["key"]
    method, path, sent, key = journal.sent[0]
    assert (method, path, key) == ("POST", f"{LESSON}/entries", fields["key"])
    assert sent == {
        "held": True,
        "topic": "Дроби",
        "marks": [{"pupil_id": "p1", "value": "5", "work_kind_id": "classwork"}],
        "attendance": [{"pupil_id": "p2", "kind": "absent"}],
    }
    assert journal.sent[1][1:] == (f"{LESSON}/absences/p2/reason", {"reason": "illness"},
                                   f"{fields['key']}.r.p2")  # fmt: skip


async def test_a_refused_json_save_answers_the_field_and_a_new_key(client, journal):
    journal.refusal = ApiRefused(422, "mark_not_on_scale", "mark '7' is not on the scale")
    page = (await client.get("/lessons/5a/5a-20261204-7")).text
    fields = form_of(page, **{"mark.0.p2": "7"})
    answer = await client.post(
        "/lessons/5a/5a-20261204-7/save", data=fields, headers={"X-CSRF-Token": csrf_of(page)}
    )
    assert answer.status_code == 422
    body = answer.json()
    assert body["saved"] is False
    assert body["errors"] == {"mark.0.p2": "Оценки «7» нет в шкале школы (mark_not_on_scale)"}
    assert body["key"] != fields["key"]  # the refused request bound the old one
    assert len(journal.sent) == 1


async def test_an_outage_answers_503_and_keeps_the_key_for_the_retry(client, journal):
    journal.down = True
    page = (await client.get("/lessons/5a/5a-20261204-7")).text
    fields = form_of(page)
    answer = await client.post(
        "/lessons/5a/5a-20261204-7/save", data=fields, headers={"X-CSRF-Token": csrf_of(page)}
    )
    assert answer.status_code == 503
    assert answer.headers["Retry-After"]
    assert answer.json()["key"] == fields["key"]


async def test_the_plain_form_redirects_after_a_save(client):
    page = (await client.get("/lessons/5a/5a-20261204-7")).text
    answer = await client.post(
        "/lessons/5a/5a-20261204-7", data=form_of(page), follow_redirects=False
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/lessons/5a/5a-20261204-7?saved=1"
    assert "Сохранено" in (await client.get(answer.headers["location"])).text


async def test_the_plain_form_shows_a_refusal_beside_the_cell_and_keeps_what_was_typed(
    client, journal
):
    journal.refusal = ApiRefused(422, "mark_not_on_scale", "mark '7' is not on the scale")
    page = (await client.get("/lessons/5a/5a-20261204-7")).text
    answer = await client.post(
        "/lessons/5a/5a-20261204-7", data=form_of(page, **{"mark.0.p2": "7", "topic": "Дроби"})
    )
    assert answer.status_code == 422
    html = answer.text
    assert re.search(r'id="mark.0.p2" name="mark.0.p2" value="7"', html)
    assert 'id="err-mark.0.p2" data-error-for="mark.0.p2">Оценки «7» нет в шкале школы' in html
    assert 'value="Дроби"' in html
    assert 'data-state="refused"' in html


async def test_a_save_without_the_csrf_token_is_refused(client, journal):
    page = (await client.get("/lessons/5a/5a-20261204-7")).text
    fields = form_of(page)
    del fields["csrf_token"]
    assert (await client.post("/lessons/5a/5a-20261204-7/save", data=fields)).status_code == 403
    assert journal.sent == []


async def test_a_lesson_of_someone_else_is_shown_read_only(client, journal):
    journal.gets[LESSON] = {**DETAIL, "teacher": {"staff_id": "t099", "full_name": "Другой"}}
    html = (await client.get("/lessons/5a/5a-20261204-7")).text
    assert 'id="lesson-form"' not in html
    assert "только просмотр" in html


async def test_an_address_that_is_no_id_is_not_found(client, journal):
    assert (await client.get("/lessons/5a/..%2E")).status_code == 404
    assert (await client.get("/journal/5A/math")).status_code == 404
    assert journal.sent == []


async def test_the_homework_file_is_passed_through_with_its_disposition(client):
    answer = await client.get("/lessons/5a/5a-20261204-7/attachments/att-1")
    assert answer.status_code == 200
    assert answer.content == b"%PDF-1"
    assert answer.headers["content-disposition"] == "attachment; filename*=UTF-8''x.pdf"


async def test_my_day_lists_the_lessons_and_whats_missing(client, journal):
    journal.gets[f"{BASE}/teachers/t015/day"] = {
        "lessons": [
            {"lesson_id": "5a-20261204-7", "class_id": "5a", "class_label": "5А",
             "subject_id": "math", "subject_name": "Математика", "slot": 7,
             "status": "scheduled", "topic": None, "substituted": True,
             "missing": ["topic", "held", "attendance"]}
        ]
    }  # fmt: skip
    html = (await client.get("/day?date=2026-12-04")).text
    assert "Мой день: пятница, 4 декабря 2026" in html
    assert "не отмечена посещаемость" in html
    assert "замена" in html
    assert 'href="/day?date=2026-12-03"' in html
    assert 'href="/lessons/5a/5a-20261204-7"' in html


async def test_the_class_journal_and_the_chooser(client, journal):
    journal.gets[f"{BASE}/classes/5a/subjects/math/grid"] = {
        "date_from": "2026-11-05", "date_to": "2026-12-28",
        "lessons": [{"lesson_id": "5a-20261204-7", "date": "2026-12-04", "slot": 7,
                     "status": "held", "topic": "Дроби", "teacher_id": "t015"}],
        "rows": [{"pupil_id": "p1", "full_name": "Акимова Вероника", "since": "2026-09-01",
                  "last_day": None, "average": "4.5", "absences": 1, "lates": 0,
                  "cells": [{"lesson_id": "5a-20261204-7", "absence": None,
                             "marks": [{"mark_id": "m", "value": "5", "work_kind_id": "test",
                                        "weight": "2", "corrected": False}]}]}],
    }  # fmt: skip
    journal.gets[f"{BASE}/classes/5a/subjects/math/period-marks"] = {"pupils": []}
    html = (await client.get("/journal/5a/math")).text
    assert "Математика, 5А" in html
    assert "5 ноября 2026 — 28 декабря 2026" in html  # the current period
    assert 'title="Контрольная работа">5</span>' in html
    assert "4,50" in html
    assert 'href="/lessons/5a/5a-20261204-7"' in html
    index = (await client.get("/journal")).text
    assert 'href="/journal/5a/math"' in index


async def test_a_class_journal_the_journal_refuses_is_the_refusal_page(client, journal):
    journal.gets[f"{BASE}/classes/5a/subjects/math/grid"] = ApiRefused(
        403, "not_your_class", "you do not teach this subject in this class"
    )
    journal.gets[f"{BASE}/classes/5a/subjects/math/period-marks"] = {"pupils": []}
    answer = await client.get("/journal/5a/math")
    assert answer.status_code == 403
    assert "not_your_class" in answer.text
