"""The family's pages through the portal app over a fake diary: the child chooser and labels,
the week and the day, the subject page, «Что нового» and its badge, files, refusals, outages.

The diary is a fake standing in for its HTTP API (`Diary`); the app, its session, CSRF check,
templates and error pages are the real ones.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import pytest_asyncio

from services.portal.application.ports import ApiRefused, ApiUnavailable, Download
from tests.support.fake_apis import Call, FakeDiaryApi, stored
from tests.support.page_forms import csrf_of
from tests.support.portal import signed_in_client

BASE = "/schools/s1/years/2026"
MINE = "p" + "a" * 32
OTHER = "p" + "b" * 32
SECOND = "p" + "c" * 32
TODAY = dt.date(2026, 9, 16)  # a Wednesday
PROFILE = {
    "uid": 100001, "roles": ["parent"], "label": None, "classes": [],
    "children": [{"pupil": MINE, "relation": "parent", "label": "Маша", "class_id": "5a",
                  "class_label": "5А", "seen_up_to": 5_000_001}],
    "periods": [
        {"period_id": "q1", "name": "1 четверть", "starts_on": "2026-09-01",
         "ends_on": "2026-10-25"},
        {"period_id": "q2", "name": "2 четверть", "starts_on": "2026-11-05",
         "ends_on": "2026-12-28"},
    ],
}  # fmt: skip
MATH = {
    "lesson_id": "5a-20260914-1", "class_id": "5a", "date": "2026-09-14", "slot": 1,
    "subject_id": "math", "subject_name": "Математика", "teacher_id": "t023",
    "teacher_name": "Иванова А. В.", "status": "held", "topic": "Сложение дробей",
    "homework": "№ 12, 14", "homework_due_on": "2026-09-18",
    "files": [{"attachment_id": "att-1", "name": "задание.pdf", "size": 12_345,
               "media_type": "application/pdf",
               "url": f"/diary/v1{BASE}/files/att-1"}],
    "marks": [{"mark_id": "m1", "value": "5", "work_kind_id": "test",
               "work_kind_name": "Контрольная работа", "weight": "2.00", "comment": None,
               "counts": True, "corrected": False, "corrected_after_close": False}],
    "absence": None, "corrected_after_close": False,
}  # fmt: skip
RUSSIAN = {
    **MATH, "lesson_id": "5a-20260914-4", "slot": 4, "subject_id": "russian",
    "subject_name": "Русский язык", "teacher_name": None, "topic": None, "homework": None,
    "homework_due_on": None, "files": [], "marks": [],
    "absence": {"letter": "Б", "kind": "absent", "minutes_late": None, "reason": "illness"},
}  # fmt: skip
FRIDAY = {**RUSSIAN, "lesson_id": "5a-20260918-2", "date": "2026-09-18", "slot": 2, "absence": None}
WEEK = {"pupil": MINE, "starts_on": "2026-09-14", "ends_on": "2026-09-20",
        "lessons": [MATH, RUSSIAN, FRIDAY]}  # fmt: skip
SUBJECT = {
    "pupil": MINE, "subject_id": "math", "subject_name": "Математика", "period_id": "q1",
    "starts_on": "2026-09-01", "ends_on": "2026-10-26",
    "marks": [
        {"lesson_id": "l1", "date": "2026-09-14", "mark": MATH["marks"][0]},  # type: ignore[index]
        {"lesson_id": "l2", "date": "2026-09-21",
         "mark": {**MATH["marks"][0], "mark_id": "m2", "value": "3",  # type: ignore[index]
                  "work_kind_name": "Работа на уроке", "weight": "1.00"}},
    ],
    "average": "4.33",
    "period_mark": {"period_id": "q1", "value": "4", "average": "4.33",
                    "corrected_after_close": False},
    "period_marks": [{"period_id": "q1", "value": "4", "average": "4.33",
                      "corrected_after_close": False}],
}  # fmt: skip


def change(change_id: int, kind: str, old: str | None, new: str | None) -> dict[str, Any]:
    return {
        "change_id": change_id, "kind": kind, "recorded_at": "2026-09-16T11:03:00+00:00",
        "lesson_id": "5a-20260914-1", "date": "2026-09-14", "subject_id": "math",
        "subject_name": "Математика", "class_id": "5a", "period_id": None, "old": old,
        "new": new, "work_kind_name": "Контрольная работа", "weight": "2.00", "due_on": None,
    }  # fmt: skip


CHANGES = {
    "pupil": MINE,
    "latest": 7_000_001,
    "changes": [
        change(7_000_001, "mark_corrected", "3", "4"),
        change(6_000_000, "mark_added", None, "3"),
        change(5_000_001, "mark_added", None, "5"),
    ],
}


@dataclass
class FakeDiary(FakeDiaryApi):
    """GET answers by path (an exception is raised); writes recorded; `down` fails every call."""

    gets: dict[str, Any] = field(default_factory=dict)
    asked: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    sent: list[tuple[str, str, Any, str | None]] = field(default_factory=list)
    down: bool = False

    def answer_get(self, call: Call) -> Any:
        self.asked.append((call.path, dict(call.params or {})))
        if self.down:
            raise ApiUnavailable("diary", "down")
        no_grant = ApiRefused(403, "no_grant", "you have no live grant for this pupil")
        return stored(self.gets, call.path, no_grant)

    def answer_download(self, call: Call) -> Download:
        if call.path != f"{BASE}/files/att-1":
            raise ApiRefused(404, "not_found", "no such file")
        return Download(b"%PDF-1.4", "application/pdf", "attachment; filename*=UTF-8''x.pdf")

    def answer_send(self, call: Call) -> Any:
        if self.down:
            raise ApiUnavailable("diary", "down")
        self.sent.append((call.method, call.path, call.json, call.idempotency_key))
        return call.json


@pytest.fixture
def diary() -> FakeDiary:
    return FakeDiary(
        gets={
            f"{BASE}/me/profile": PROFILE,
            f"{BASE}/pupils/{MINE}/weeks/2026-09-14": WEEK,
            f"{BASE}/pupils/{MINE}/days/2026-09-14": {**WEEK, "lessons": [MATH, RUSSIAN]},
            f"{BASE}/pupils/{MINE}/subjects/math": SUBJECT,
            f"{BASE}/pupils/{MINE}/changes": CHANGES,
        }
    )


@pytest_asyncio.fixture
async def parent(diary: FakeDiary) -> AsyncIterator[httpx.AsyncClient]:
    async with signed_in_client(diary, 100001, "parent", TODAY) as http:
        yield http


def text_of(page: str) -> str:
    """The page's words without tags or repeated spaces."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


# ---------------------------------------------------------------- week and day


async def test_the_week_shows_lessons_with_times_marks_absences_and_files(parent, diary):
    page = await parent.get(f"/children/{MINE}/week/2026-09-16")

    assert page.status_code == 200
    words = text_of(page.text)
    assert "Маша, 5А" in words
    assert "Неделя 14–20 сентября 2026" in words
    assert "пн, 14 сентября" in words
    assert "сб, 19 сентября" in words
    assert "вс, 20 сентября" not in words  # a Sunday without lessons is left out
    assert "1-й урок 08:30–09:15" in words
    assert "4-й урок 11:25–12:10" in words  # the long break after the 3rd lesson
    assert "Иванова А. В." in words
    assert "учитель" in words
    assert "Тема: Сложение дробей" in words
    assert "Домашнее задание (к пт, 18 сентября): № 12, 14" in words
    assert 'href="/files/att-1"' in page.text
    assert "задание.pdf" in words
    assert "5 Контрольная работа, вес 2" in words
    assert "Б отсутствовал(а) по болезни" in words
    assert f'href="/children/{MINE}/week/2026-09-07"' in page.text
    assert f'href="/children/{MINE}/week/2026-09-21"' in page.text
    assert f'href="/children/{MINE}/subjects/math"' in page.text
    assert (f"{BASE}/pupils/{MINE}/weeks/2026-09-14", {}) in diary.asked


async def test_the_week_groups_lessons_under_their_day_in_order(parent):
    page = (await parent.get(f"/children/{MINE}/week/2026-09-14")).text

    monday = page.index("пн, 14 сентября")
    tuesday = page.index("вт, 15 сентября")
    friday = page.index("пт, 18 сентября</a>")
    assert monday < page.index("Математика") < page.index("11:25–12:10") < tuesday
    assert "Уроков нет." in page[tuesday:friday]
    assert page.index("09:25–10:10") > friday


async def test_the_day_shows_its_lessons_and_links_the_days_around_it(parent):
    page = await parent.get(f"/children/{MINE}/day/2026-09-14")

    assert page.status_code == 200
    words = text_of(page.text)
    assert "понедельник, 14 сентября 2026" in words
    assert "Математика" in words
    assert "Русский язык" in words
    assert f'href="/children/{MINE}/day/2026-09-13"' in page.text
    assert f'href="/children/{MINE}/day/2026-09-16"' in page.text  # «Сегодня»
    assert f'href="/children/{MINE}/week/2026-09-14"' in page.text


async def test_a_child_s_address_opens_this_week(parent):
    page = await parent.get(f"/children/{MINE}")

    assert page.status_code == 303
    assert page.headers["location"] == f"/children/{MINE}/week/2026-09-14"


async def test_the_date_form_opens_the_week_of_the_date(parent):
    page = await parent.get(f"/children/{MINE}/week", params={"date": "2026-10-01"})

    assert page.headers["location"] == f"/children/{MINE}/week/2026-09-28"


# ---------------------------------------------------------------- the child chooser


async def test_a_parent_with_one_child_goes_straight_to_the_child_s_week(parent):
    page = await parent.get("/children")

    assert page.status_code == 303
    assert page.headers["location"] == f"/children/{MINE}/week/2026-09-14"


async def test_a_parent_with_two_children_chooses_by_label_and_class(parent, diary):
    second = {**PROFILE["children"][0], "pupil": SECOND, "label": None, "class_label": "7Б"}  # type: ignore[index]
    diary.gets[f"{BASE}/me/profile"] = {**PROFILE, "children": [*PROFILE["children"], second]}  # type: ignore[misc]

    page = await parent.get("/children")

    assert page.status_code == 200
    words = text_of(page.text)
    assert "Маша, 5А" in words
    assert "Ребёнок 2, 7Б" in words
    assert f'href="/children/{SECOND}/week/2026-09-14"' in page.text
    assert words.count("Как называть ребёнка") == 2


async def test_a_pupil_sees_only_themself(diary):
    own = {**PROFILE["children"][0], "relation": "pupil", "label": None}  # type: ignore[index]
    diary.gets[f"{BASE}/me/profile"] = {**PROFILE, "roles": ["pupil"], "children": [own]}
    async with signed_in_client(diary, 100002, "pupil", TODAY) as http:
        chooser = await http.get("/children", params={"choose": 1})

    words = text_of(chooser.text)
    assert "Мой дневник, 5А" in words
    assert "Как подписать мой дневник" in words
    assert words.count("Сохранить") == 1


async def test_labelling_a_child_sends_the_label_under_the_form_s_key(parent, diary):
    chooser = await parent.get("/children", params={"choose": 1})
    key = re.search(r'name="request_key" value="([^"]+)"', chooser.text)
    assert key

    saved = await parent.post(
        f"/children/{MINE}/label",
        data={"label": "  Маша ", "request_key": key.group(1), "csrf_token": csrf_of(chooser.text)},
    )

    assert saved.status_code == 303
    assert saved.headers["location"] == f"/children?choose=1&saved={MINE}"
    assert diary.sent == [
        ("PUT", f"/schools/s1/me/children/{MINE}/label", {"label": "Маша"}, key.group(1))
    ]


async def test_a_label_too_long_is_refused_beside_the_form_and_nothing_is_sent(parent, diary):
    chooser = await parent.get("/children", params={"choose": 1})

    refused = await parent.post(
        f"/children/{MINE}/label",
        data={"label": "М" * 41, "request_key": "k1", "csrf_token": csrf_of(chooser.text)},
    )

    assert refused.status_code == 422
    assert "от 1 до 40 символов" in refused.text
    assert 'aria-invalid="true"' in refused.text
    assert diary.sent == []


async def test_a_label_without_the_csrf_token_is_refused(parent, diary):
    refused = await parent.post(
        f"/children/{MINE}/label", data={"label": "Маша", "request_key": "k1"}
    )

    assert refused.status_code == 403
    assert diary.sent == []


async def test_someone_without_children_is_refused_the_chooser(parent, diary):
    diary.gets[f"{BASE}/me/profile"] = {**PROFILE, "children": []}

    page = await parent.get("/children")

    assert page.status_code == 403
    assert "no_children" in page.text


# ---------------------------------------------------------------- subject


async def test_the_subject_page_shows_the_marks_the_average_and_the_period_mark(parent, diary):
    page = await parent.get(f"/children/{MINE}/subjects/math", params={"period": "q1"})

    assert page.status_code == 200
    words = text_of(page.text)
    assert "Средний балл (взвешенный): 4,33" in words
    assert 'data-average="4.33"' in page.text
    assert "Оценка за период «1 четверть»: 4" in words
    assert "5 пн, 14 сентября Контрольная работа, вес 2" in words
    assert "3 пн, 21 сентября Работа на уроке, вес 1" in words
    assert '<option value="year">весь год</option>' in page.text
    assert '<option value="q1" selected>1 четверть</option>' in page.text
    assert '<option value="q2">2 четверть</option>' in page.text  # every period of the school
    assert (f"{BASE}/pupils/{MINE}/subjects/math", {"period": "q1"}) in diary.asked


# ---------------------------------------------------------------- news


async def test_news_shows_a_correction_as_old_to_new_and_marks_what_is_new(parent):
    page = await parent.get("/news")

    assert page.status_code == 200
    words = text_of(page.text)
    assert "Оценка исправлена: было 3, стало 4" in words
    assert "Новая оценка 3" in words
    assert "Новая оценка 5" in words
    assert page.text.count('<span class="new-tag">новое</span>') == 2  # newer than 5_000_001
    assert "Новых изменений: 2." in words
    assert "Показаны последние" not in words  # all of them are shown
    assert "урок пн, 14 сентября" in words
    assert "Внесено 16 сентября, 14:03" in words  # Moscow time


async def test_viewing_the_news_moves_the_seen_marker_once_to_the_latest(parent, diary):
    await parent.get("/news")

    assert diary.sent == [
        ("PUT", f"/schools/s1/me/children/{MINE}/seen", {"up_to": 7_000_001}, "seen-7000001")
    ]
    assert (f"{BASE}/pupils/{MINE}/changes", {"after": "0", "limit": "100"}) in diary.asked


async def test_nothing_is_sent_when_everything_was_seen(parent, diary):
    seen = {**PROFILE["children"][0], "seen_up_to": 7_000_001}  # type: ignore[index]
    diary.gets[f"{BASE}/me/profile"] = {**PROFILE, "children": [seen]}

    page = await parent.get(f"/children/{MINE}/news")

    assert page.status_code == 200
    assert "новое</span>" not in page.text
    assert diary.sent == []


async def test_the_badge_counts_the_changes_after_the_marker(parent, diary):
    diary.gets[f"{BASE}/pupils/{MINE}/changes"] = {**CHANGES, "changes": CHANGES["changes"][:2]}  # type: ignore[index]

    badge = await parent.get("/news/badge")

    assert badge.status_code == 200
    assert text_of(badge.text).strip() == "2 новых изменений"
    assert (f"{BASE}/pupils/{MINE}/changes", {"after": "5000001", "limit": "100"}) in diary.asked
    assert "<html" not in badge.text


async def test_the_badge_is_empty_without_unseen_changes(parent, diary):
    diary.gets[f"{BASE}/pupils/{MINE}/changes"] = {**CHANGES, "changes": []}

    badge = await parent.get("/news/badge")

    assert badge.text.strip() == ""


async def test_family_pages_load_the_badge_lazily(parent):
    page = await parent.get(f"/children/{MINE}/week/2026-09-14")

    assert 'hx-get="/news/badge" hx-trigger="load"' in page.text


# ---------------------------------------------------------------- files


async def test_a_homework_file_is_passed_through_with_the_diary_s_name(parent):
    file = await parent.get("/files/att-1")

    assert file.status_code == 200
    assert file.content == b"%PDF-1.4"
    assert file.headers["content-type"] == "application/pdf"
    assert file.headers["content-disposition"] == "attachment; filename*=UTF-8''x.pdf"
    assert file.headers["x-content-type-options"] == "nosniff"


async def test_a_file_the_diary_does_not_give_is_not_found(parent):
    page = await parent.get("/files/att-2")

    assert page.status_code == 404


# ---------------------------------------------------------------- refusals and outages


@pytest.mark.parametrize(
    "path",
    [
        f"/children/{OTHER}/week/2026-09-14",
        f"/children/{OTHER}/day/2026-09-14",
        f"/children/{OTHER}/subjects/math",
        f"/children/{OTHER}/news",
    ],
)
async def test_another_child_s_page_is_the_diary_s_refusal(parent, path):
    page = await parent.get(path)

    assert page.status_code == 403
    assert "У вас нет доступа к этой странице." in page.text
    assert "no_grant" in page.text
    assert "Маша" not in page.text
    assert "Математика" not in page.text


async def test_a_revoked_grant_refuses_the_next_page_load(parent, diary):
    diary.gets[f"{BASE}/pupils/{MINE}/weeks/2026-09-14"] = ApiRefused(
        403, "no_grant", "you have no live grant for this pupil"
    )

    page = await parent.get(f"/children/{MINE}/week/2026-09-14")

    assert page.status_code == 403
    assert "Маша" not in page.text


async def test_a_diary_outage_is_the_503_page(parent, diary):
    diary.down = True

    page = await parent.get(f"/children/{MINE}/week/2026-09-14")

    assert page.status_code == 503
    assert page.headers["retry-after"]
    assert "Дневник временно недоступен" in page.text


@pytest.mark.parametrize(
    "path",
    [
        "/children/pupil-1/week/2026-09-14",
        f"/children/{MINE}/week/2026-13-01",
        f"/children/{MINE}/subjects/math%2F..",
        f"/children/{MINE}/subjects/math?period=q1%2F..",
    ],
)
async def test_an_address_that_names_nothing_is_not_found_without_asking(parent, diary, path):
    page = await parent.get(path)

    assert page.status_code == 404
    assert diary.asked == []


async def test_signed_out_the_week_asks_to_sign_in(diary):
    async with signed_in_client(diary, 100001, "parent", TODAY) as http:
        http.cookies.clear()
        page = await http.get(f"/children/{MINE}/week/2026-09-14")

    assert page.status_code == 303
    assert page.headers["location"].startswith("/signin?next=")
