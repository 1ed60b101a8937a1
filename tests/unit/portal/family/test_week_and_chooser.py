"""The family's week and day pages, and the child chooser with the children's labels.

The diary is a fake standing in for its HTTP API (`family_world`); the app, its session, CSRF
check, templates and error pages are the real ones.
"""

from __future__ import annotations

import re

from tests.support.page_forms import csrf_of
from tests.support.portal import signed_in_client
from tests.unit.portal.family.family_world import (
    BASE,
    MINE,
    PROFILE,
    SECOND,
    TODAY,
    text_of,
)


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
