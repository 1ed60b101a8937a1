"""The year's plan in the teacher's pages, through the web app with a fake journal: a pass/fail
subject's lesson offers «зач»/«незач» (labelled) instead of the scale and saves them as any
mark; a subject without marks shows no mark cells, only attendance, topic and homework, with
the note «без отметок»; a grade 10 class's journal offers its halves, not the quarters, and
says how its pass/fail marks read; «Мой день» names the vacation it falls in.

The journal is a fake standing in for the HTTP APIs (`Backends`); the app, its session, CSRF
check and templates are the real ones.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest_asyncio

from services.web.application.ports import ApiRefused
from tests.support.fake_apis import Call, FakeBackends, stored
from tests.support.page_forms import csrf_of, field_of
from tests.support.web import signed_in_client

BASE = "/schools/s1/years/2026"
QUARTERS = list(range(1, 10))
ROSTER = {
    "starts_on": "2026-09-01",
    "periods": [
        {"period_id": "q2", "name": "2 четверть", "starts_on": "2026-11-05",
         "ends_on": "2026-12-28", "closed": False, "grades": QUARTERS},
        {"period_id": "h1", "name": "1 полугодие", "starts_on": "2026-09-01",
         "ends_on": "2026-12-28", "closed": False, "grades": [10, 11]},
    ],
    "scale": [{"value": str(v), "numeric": v} for v in range(2, 6)],
    "work_kinds": [{"work_kind_id": "classwork", "name": "Работа на уроке", "weight": "1"}],
    "subjects": [{"subject_id": "pe", "name": "Физическая культура"},
                 {"subject_id": "music", "name": "Музыка"}],
    "classes": [{"class_id": "10a", "grade": 10, "label": "10А", "class_teacher_id": "t001"},
                {"class_id": "1a", "grade": 1, "label": "1А", "class_teacher_id": "t002"}],
    "assessments": [{"subject_id": "pe", "grade": 10, "assessment": "pass_fail"},
                    {"subject_id": "music", "grade": 1, "assessment": "unmarked"},
                    {"subject_id": "pe", "grade": 1, "assessment": "unmarked"}],
    "days_off": [{"name": "Осенние каникулы", "kind": "vacation", "starts_on": "2026-10-27",
                  "ends_on": "2026-11-04"}],
}  # fmt: skip
PUPILS = [{"pupil_id": "p1", "full_name": "Акимова Вероника"},
          {"pupil_id": "p2", "full_name": "Белов Кирилл"}]  # fmt: skip


def lesson(class_id: str, subject_id: str) -> dict[str, Any]:
    return {
        "lesson_id": f"{class_id}-20261204-2", "class_id": class_id, "class_label": class_id,
        "subject_id": subject_id, "subject_name": subject_id, "date": "2026-12-04", "slot": 2,
        "status": "scheduled", "cancel_reason": None, "topic": None, "substituted": False,
        "attendance_taken": False,
        "teacher": {"staff_id": "t015", "full_name": "Пестова Жанна Руслановна"},
        "timetabled_teacher": {"staff_id": "t015", "full_name": "Пестова Жанна Руслановна"},
        "homework": {"text": None, "due_on": None, "attachments": []},
        "marks": [], "absences": [], "pupils": PUPILS,
    }  # fmt: skip


PE_10A = f"{BASE}/classes/10a/lessons/10a-20261204-2"
MUSIC_1A = f"{BASE}/classes/1a/lessons/1a-20261204-2"


@dataclass
class FakeJournal(FakeBackends):
    """GET answers by path; a save recorded and refused as told (nothing is shown after it)."""

    gets: dict[str, Any] = field(default_factory=dict)
    sent: list[tuple[str, str, Any]] = field(default_factory=list)

    def answer_get(self, call: Call) -> Any:
        return stored(self.gets, call.path, ApiRefused(404, "not_found", call.path))

    def answer_send(self, call: Call) -> Any:
        self.sent.append((call.method, call.path, call.json))
        raise ApiRefused(409, "period_closed", "stop here: the body is what is checked")


@pytest_asyncio.fixture
async def journal() -> FakeJournal:
    return FakeJournal(
        gets={
            f"{BASE}/roster": ROSTER,
            PE_10A: lesson("10a", "pe"),
            MUSIC_1A: lesson("1a", "music"),
        }
    )


@pytest_asyncio.fixture
async def client(journal: FakeJournal) -> AsyncIterator[httpx.AsyncClient]:
    async with signed_in_client(journal, "t015", "teacher", "Пестова Жанна Руслановна") as http:
        yield http


async def test_a_pass_fail_lesson_offers_pass_and_fail_instead_of_the_scale(client, journal):
    html = (await client.get("/lessons/10a/10a-20261204-2")).text

    assert '<select class="mark" id="mark.0.p1" name="mark.0.p1"' in html
    assert '<option value="зач">зачтено</option>' in html
    assert '<option value="незач">не зачтено</option>' in html
    assert '<option value="5">' not in html
    assert "Шкала:" not in html
    assert "Предмет оценивается зачётом: зач — зачтено, незач — не зачтено." in html

    page_key = field_of(html, "key")
    fields = {"csrf_token": csrf_of(html), "key": page_key, "held": "1", "kind.0": "classwork",
              "mark.0.p1": "зач", "att.p1": "", "mark.0.p2": "незач", "att.p2": ""}  # fmt: skip
    await client.post("/lessons/10a/10a-20261204-2", data=fields)
    [(_method, _path, body)] = journal.sent
    assert body["marks"] == [
        {"pupil_id": "p1", "value": "зач", "work_kind_id": "classwork"},
        {"pupil_id": "p2", "value": "незач", "work_kind_id": "classwork"},
    ]


async def test_a_lesson_without_marks_shows_only_attendance_topic_and_homework(client):
    html = (await client.get("/lessons/1a/1a-20261204-2?columns=3")).text

    assert "без отметок" in html
    assert 'class="mark"' not in html
    assert 'name="kind.0"' not in html
    assert "Добавить колонку оценок" not in html
    assert "Оценки урока" not in html
    assert 'id="att.p1"' in html
    assert 'id="topic"' in html
    assert 'id="hw_text"' in html


async def test_a_grade_10_journal_offers_its_halves_and_reads_its_pass_fail_marks(client, journal):
    journal.gets[f"{BASE}/classes/10a/subjects/pe/grid"] = {
        "date_from": "2026-09-01", "date_to": "2026-12-28",
        "lessons": [{"lesson_id": "10a-20261204-2", "date": "2026-12-04", "slot": 2,
                     "status": "held", "topic": "Бег", "teacher_id": "t015"}],
        "rows": [{"pupil_id": "p1", "full_name": "Акимова Вероника", "since": "2026-09-01",
                  "last_day": None, "average": None, "absences": 0, "lates": 0,
                  "cells": [{"lesson_id": "10a-20261204-2", "absence": None,
                             "marks": [{"mark_id": "m", "value": "зач",
                                        "work_kind_id": "classwork"}]}]}],
    }  # fmt: skip
    journal.gets[f"{BASE}/classes/10a/subjects/pe/period-marks"] = {
        "pupils": [{"pupil_id": "p1", "set": {"value": "зач"}, "average": None}]
    }
    html = (await client.get("/journal/10a/pe?from=2026-09-01&to=2026-12-28")).text

    assert ">1 полугодие</a>" in html
    assert "2 четверть" not in html
    assert "«Итог» — оценка за 1 полугодие" in html
    assert 'title="зачтено; Работа на уроке">зач</span>' in html
    assert 'title="зачтено; средний балл —">зач</td>' in html
    assert "«зач» — зачтено, «незач» — не зачтено; в средний балл такие отметки не входят" in html


async def test_my_day_names_the_vacation_it_falls_in(client, journal):
    journal.gets[f"{BASE}/teachers/t015/day"] = {"lessons": []}
    html = (await client.get("/day?date=2026-11-02")).text
    ordinary = (await client.get("/day?date=2026-11-05")).text

    assert "Выходной: Осенние каникулы (каникулы, 27 октября – 4 ноября 2026)" in html
    assert "Выходной" not in ordinary
