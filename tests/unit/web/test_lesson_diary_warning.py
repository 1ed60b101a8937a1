"""The lesson page after a save whose text for the diary names a pupil: saved as before, and
the page says, in a live region with a link to each field, that the diary gets «[ученик]»."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import pytest_asyncio

from services.web.application.lesson_save import LessonRef, Upload, save_lesson
from services.web.domain.diary_names import WARNING, named_keys, parse_keys, places
from services.web.domain.lesson_entry import plan_save
from tests.support.fake_apis import Call, FakeBackends
from tests.support.page_forms import field_of
from tests.support.web import signed_in_client

BASE = "/schools/s1/years/2026"
LESSON = f"{BASE}/classes/5a/lessons/5a-20261204-7"
PAGE = "/lessons/5a/5a-20261204-7"
ROSTER = {
    "periods": [], "starts_on": "2026-09-01",
    "scale": [{"value": str(v), "numeric": v} for v in range(1, 6)],
    "work_kinds": [{"work_kind_id": "classwork", "name": "Работа на уроке", "weight": "1"}],
    "subjects": [{"subject_id": "math", "name": "Математика"}],
    "classes": [{"class_id": "5a", "label": "5А", "class_teacher_id": "t001"}],
    "assignments": [{"class_id": "5a", "subject_id": "math", "teacher_id": "t015", "group": None}],
}  # fmt: skip
DETAIL = {
    "lesson_id": "5a-20261204-7", "class_id": "5a", "class_label": "5А", "subject_id": "math",
    "subject_name": "Математика", "date": "2026-12-04", "slot": 7, "status": "held",
    "cancel_reason": None, "topic": None, "substituted": False, "attendance_taken": True,
    "teacher": {"staff_id": "t015", "full_name": "Пестова Жанна Руслановна"},
    "timetabled_teacher": {"staff_id": "t015", "full_name": "Пестова Жанна Руслановна"},
    "homework": {"text": None, "due_on": None, "attachments": []},
    "marks": [], "absences": [],
    "pupils": [{"pupil_id": "p1", "full_name": "Акимова Вероника Антоновна"}],
}  # fmt: skip
NAMED = "Доклад Акимовой Вероники"


def warning(field_name: str) -> dict[str, str]:
    return {"reason": "pupil_name_in_diary_text", "field": field_name, "detail": "…"}


@dataclass
class FakeJournal(FakeBackends):
    """The journal: its lesson view follows the save; a topic or a file name that names the
    pupil is answered with the journal's warning."""

    lesson: dict[str, Any] = field(default_factory=lambda: dict(DETAIL))
    sent: list[tuple[str, str]] = field(default_factory=list)

    def answer_get(self, call: Call) -> Any:
        return {LESSON: self.lesson, f"{BASE}/roster": ROSTER}[call.path]

    def answer_send(self, call: Call) -> Any:
        self.sent.append((call.method, call.path.removeprefix(LESSON)))
        answer: dict[str, Any] = {"seq": 1, "duplicate": False, "event_type": "x", "warnings": []}
        if call.path.endswith("/entries"):
            self.lesson = {**self.lesson, "topic": call.json.get("topic")}
            answer["mark_ids"] = []
            if "Акимов" in (call.json.get("topic") or ""):
                answer["warnings"] = [warning("topic")]
        if call.files is not None:
            name = call.files["file"][0]
            answer["attachment_id"] = "att-1"
            attachment = {"attachment_id": "att-1", "name": name}
            self.lesson = {**self.lesson, "homework": {**DETAIL["homework"], "attachments": [
                attachment]}}  # fmt: skip
            if "Акимов" in name:
                answer["warnings"] = [warning("name")]
        return answer


@pytest.fixture
def journal() -> FakeJournal:
    return FakeJournal()


@pytest_asyncio.fixture
async def client(journal: FakeJournal) -> AsyncIterator[httpx.AsyncClient]:
    async with signed_in_client(journal, "t015", "teacher", "Пестова Жанна Руслановна") as http:
        yield http


def form_of(page: str, **typed: str) -> dict[str, str]:
    csrf, key = field_of(page, "csrf_token"), field_of(page, "key")
    return {"csrf_token": csrf, "key": key, "held": "1", "att_taken": "1", "att.p1": ""} | typed


def warning_region(html: str) -> str:
    found = re.search(r'<div id="diary-warning"[^>]*>(.*?)</div>', html, re.S)
    assert found is not None, "the page has no warning region"
    assert 'role="status"' in found.group(0)
    assert 'aria-live="polite"' in found.group(0)
    return found.group(1)


async def test_the_page_holds_an_empty_live_region_for_the_warning(client):
    html = (await client.get(PAGE)).text
    assert warning_region(html).strip() == ""
    assert WARNING not in html


async def test_the_json_save_answers_the_warning_with_the_fields_and_still_saves(client, journal):
    page = (await client.get(PAGE)).text
    answer = await client.post(f"{PAGE}/save", data=form_of(page, topic=NAMED))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["saved"], body["shown"], body["errors"]) == (True, True, {})
    assert body["warning"] == WARNING
    assert body["named"] == [{"key": "topic", "field_id": "topic", "label": "тема урока"}]
    assert journal.sent == [("POST", "/entries")]


async def test_a_file_whose_name_names_a_pupil_is_warned_about_too(journal):
    lesson = LessonRef("s1", 2026, "5a", "5a-20261204-7", "token")
    upload = Upload("Акимова В. А. — доклад.txt", b"text", "text/plain")
    plan = plan_save({"held": "1", "topic": NAMED, "att_taken": "1", "att.p1": ""})
    outcome = await save_lesson(journal, lesson, "k1", plan, [upload])
    assert (outcome.saved, outcome.errors, outcome.shown) == (True, {}, True)
    assert outcome.named == ["topic", "files"]
    assert [p.label for p in places(outcome.named)] == ["тема урока", "имя файла задания"]


async def test_a_save_without_a_name_answers_no_warning(client):
    page = (await client.get(PAGE)).text
    answer = await client.post(f"{PAGE}/save", data=form_of(page, topic="Дроби"))
    assert answer.json()["warning"] == ""
    assert answer.json()["named"] == []


async def test_without_script_the_page_after_the_save_shows_the_warning_with_links(client):
    page = (await client.get(PAGE)).text
    saved = await client.post(PAGE, data=form_of(page, topic=NAMED), follow_redirects=False)
    assert saved.status_code == 303
    assert saved.headers["location"] == f"{PAGE}?saved=1&named=topic"
    html = (await client.get(saved.headers["location"])).text
    region = warning_region(html)
    assert WARNING in region
    assert '<a href="#topic">тема урока</a>' in region
    assert 'id="topic"' in html  # the link leads to the field, reachable by keyboard
    assert "Сохранено" in html


async def test_the_address_carries_only_known_places():
    assert parse_keys("topic,<script>,hw_text,topic") == ["topic", "hw_text"]
    assert [p.key for p in places(["marks", "topic"])] == ["topic", "marks"]


def test_the_journals_warnings_map_to_the_pages_places():
    answer = {
        "warnings": [
            warning("topic"),
            warning("homework.text"),
            warning("marks[3].comment"),
            warning("marks[4].comment"),
            {"reason": "something_else", "field": "topic"},
        ]
    }
    assert named_keys(answer) == ["topic", "hw_text", "marks"]
    assert named_keys({"warnings": [warning("name")]}) == ["files"]
    assert named_keys({"seq": 1}) == named_keys(None) == []
