"""A teacher UID's pages over a fake diary: «Мои классы» (a subject teacher, a class teacher with
every subject of the class, both from one call of the profile), the class × subject grid (pupils
by number, never a pseudonym; inside its own scrolling box; the school year's periods to choose),
the class's day, and the diary's refusal and outage.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from services.diary.entrypoints.profile_dto import ProfileOut
from services.portal.application.ports import ApiRefused
from tests.support.portal import signed_in_client
from tests.unit.portal.staff_diary import YEAR_PATH, FakeDiary, diary_shaped

TODAY = dt.date(2026, 12, 5)  # a Saturday: its week runs from Monday 30 November
P1, P2 = "p" + "a" * 32, "p" + "b" * 32
GRID = f"{YEAR_PATH}/classes/5a/subjects/math"
DAY = f"{YEAR_PATH}/classes/5a/days/2026-12-01"
PROFILE = f"{YEAR_PATH}/me/profile"
PERIODS = [
    {"period_id": "q1", "name": "I четверть", "starts_on": "2026-09-01", "ends_on": "2026-10-25"},
    {"period_id": "q2", "name": "II четверть", "starts_on": "2026-11-05", "ends_on": "2026-12-28"},
    {"period_id": "q3", "name": "III четверть", "starts_on": "2027-01-11", "ends_on": "2027-03-20"},
    {"period_id": "q4", "name": "IV четверть", "starts_on": "2027-03-30", "ends_on": "2027-05-26"},
]
TEACHER_PROFILE = diary_shaped(
    ProfileOut,
    {
        "uid": 200001,
        "roles": ["teacher"],
        "label": None,
        "children": [],
        "classes": [
            {
                "class_id": "5a",
                "class_label": "5А",
                "subject_id": "math",
                "subject_name": "Математика",
                "subjects": [{"subject_id": "math", "subject_name": "Математика"}],
            }
        ],
        "periods": PERIODS,
    },
)
CLASS_TEACHER_PROFILE = diary_shaped(ProfileOut, {
    **TEACHER_PROFILE,
    "uid": 200002,
    "classes": [
        {"class_id": "5a", "class_label": "5А", "subject_id": None, "subject_name": None,
         "subjects": [{"subject_id": "english", "subject_name": "Английский язык"},
                      {"subject_id": "math", "subject_name": "Математика"}]}
    ],
})  # fmt: skip


def mark(value: str, kind: str, weight: str, **more: object) -> dict[str, object]:
    return {
        "mark_id": f"m-{value}-{kind}",
        "value": value,
        "work_kind_id": kind,
        "work_kind_name": {"test": "Контрольная работа", "classwork": "Работа на уроке"}[kind],
        "weight": weight,
        "comment": None,
        "counts": True,
        "corrected": False,
        "corrected_after_close": False,
        **more,
    }


GRID_ANSWER = {
    "class_id": "5a",
    "subject_id": "math",
    "subject_name": "Математика",
    "period_id": "q2",
    "starts_on": "2026-11-05",
    "ends_on": "2026-12-28",
    "lessons": [
        {"lesson_id": "l1", "date": "2026-12-01", "slot": 2, "status": "held", "topic": "Дроби",
         "corrected_after_close": False},
        {"lesson_id": "l2", "date": "2026-12-03", "slot": 1, "status": "held", "topic": None,
         "corrected_after_close": False},
    ],
    "pupils": [
        {"pupil": P1, "average": "4.33",
         "marks": [{"lesson_id": "l1", "date": "2026-12-01", "mark": mark("5", "test", "2")},
                   {"lesson_id": "l2", "date": "2026-12-03", "mark": mark("3", "classwork", "1")}],
         "absences": []},
        {"pupil": P2, "average": None, "marks": [],
         "absences": [["l2", {"letter": "Б", "kind": "absent", "minutes_late": None,
                              "reason": "illness"}]]},
    ],
}  # fmt: skip
DAY_ANSWER = {
    "class_id": "5a",
    "date": "2026-12-01",
    "lessons": [
        {"lesson_id": "l1", "date": "2026-12-01", "slot": 2, "subject_id": "math",
         "subject_name": "Математика", "teacher_id": "t015", "teacher_name": "Иванова А. В.",
         "status": "held", "topic": "Дроби", "homework": "№ 12", "homework_due_on": "2026-12-03",
         "files": [{"attachment_id": "att-1", "name": "задание.pdf", "size": 2048,
                    "media_type": "application/pdf",
                    "url": f"/diary/v1{YEAR_PATH}/files/att-1"}],
         "marks": [{"pupil": P1, "mark": mark("5", "test", "2")},
                   {"pupil": P2, "mark": mark("4", "classwork", "1")}],
         "absences": [{"pupil": P2, "absence": {"letter": "ОП", "kind": "late",
                                                "minutes_late": 5, "reason": "unknown"}}],
         "corrected_after_close": False},
        {"lesson_id": "l9", "date": "2026-12-01", "slot": 5, "subject_id": "english",
         "subject_name": "Английский язык", "teacher_id": "t033", "teacher_name": None,
         "status": "cancelled", "topic": None, "homework": None, "homework_due_on": None,
         "files": [], "marks": [], "absences": [], "corrected_after_close": False},
    ],
}  # fmt: skip


def empty_day(day: dt.date) -> dict[str, object]:
    return {"class_id": "5a", "date": day.isoformat(), "lessons": []}


@pytest.fixture
def diary() -> FakeDiary:
    return FakeDiary(
        gets={PROFILE: TEACHER_PROFILE, GRID: GRID_ANSWER, f"{YEAR_PATH}/classes/5a/days/"
              "2026-12-01": DAY_ANSWER}
    )  # fmt: skip


@pytest_asyncio.fixture
async def client(diary: FakeDiary) -> AsyncIterator:
    async with signed_in_client(diary, 200001, "teacher", TODAY) as http:
        yield http


async def test_my_classes_lists_the_subject_of_the_grant_and_the_class_day(client, diary):
    page = await client.get("/classes")

    assert page.status_code == 200
    assert "<h2>5А</h2>" in page.text
    assert 'href="/classes/5a/subjects/math">Математика</a>' in page.text
    assert 'href="/classes/5a/days/2026-12-05"' in page.text
    assert "Классное руководство" not in page.text
    assert [path for path, _ in diary.asked] == [PROFILE]  # no class's week for a subject


async def test_a_class_teacher_sees_every_subject_of_the_class_from_the_profile(diary):
    diary.gets[PROFILE] = CLASS_TEACHER_PROFILE
    async with signed_in_client(diary, 200002, "teacher", TODAY) as http:
        page = await http.get("/classes")

    assert page.status_code == 200
    assert "Классное руководство" in page.text
    subjects = re.findall(r'href="/classes/5a/subjects/(\w+)">([^<]+)</a>', page.text)
    assert subjects == [("english", "Английский язык"), ("math", "Математика")]
    assert [path for path, _ in diary.asked] == [PROFILE]  # no class's days are read


async def test_the_grid_numbers_the_pupils_and_never_shows_a_pseudonym(client, diary):
    page = await client.get("/classes/5a/subjects/math")

    assert page.status_code == 200
    html = page.text
    assert "<h1>Математика, 5А</h1>" in html
    rows = re.findall(r'<th scope="row">([^<]+)</th>', html)
    assert rows == ["Ученик 1", "Ученик 2"]
    assert P1 not in html
    assert P2 not in html
    assert "не хранит имён учеников" in html
    assert '<span class="mk" title="Контрольная работа, вес 2">5</span>' in html
    assert '<span class="abs" title="отсутствовал(а) по болезни">Б</span>' in html
    assert '<td class="sum">4,33</td>' in html
    assert '<td class="sum">—</td>' in html
    assert ">01.12<" in html
    assert ">03.12<" in html
    assert 'title="вт, 1 декабря, 2-й урок (09:25–10:10); тема: Дроби"' in html
    scroll = html.index('<div class="scroll"')
    assert scroll < html.index('<table class="grid">') < html.index("</div>", scroll)
    assert "II четверть: 5 ноября – 28 декабря 2026" in html  # the school's own name
    assert diary.asked[0] == (GRID, None)


async def test_the_grid_offers_the_school_years_periods_and_the_whole_year(client):
    page = await client.get("/classes/5a/subjects/math")

    options = re.findall(r'<option value="(\w+)"( selected)?>([^<]+)</option>', page.text)
    assert options == [
        ("q1", "", "I четверть"),
        ("q2", " selected", "II четверть"),
        ("q3", "", "III четверть"),
        ("q4", "", "IV четверть"),
        ("year", "", "весь год"),
    ]


async def test_the_grid_of_another_period_asks_the_diary_for_it(client, diary):
    await client.get("/classes/5a/subjects/math?period=year")

    assert (GRID, {"period": "year"}) in diary.asked


async def test_the_grid_of_a_subject_outside_the_grants_is_the_refusal_page(client, diary):
    other = f"{YEAR_PATH}/classes/5a/subjects/english"
    diary.gets[other] = ApiRefused(403, "no_grant", "no live grant for english in 5a")

    page = await client.get("/classes/5a/subjects/english")

    assert page.status_code == 403
    assert "У вас нет доступа к этой странице." in page.text
    assert "no_grant" in page.text


async def test_the_class_day_lists_lessons_with_times_teachers_and_counts(client):
    page = await client.get("/classes/5a/days/2026-12-01")

    assert page.status_code == 200
    html = page.text
    assert "5А: вторник, 1 декабря 2026" in html
    assert '<span class="time">09:25–10:10</span>' in html
    assert 'href="/classes/5a/subjects/math">Математика</a>' in html
    assert '<p class="teacher">Иванова А. В.</p>' in html
    assert '<p class="teacher">учитель</p>' in html  # no name in the directory
    assert "Дроби" in html
    assert "№ 12" in html
    assert "(к чт, 3 декабря)" in html
    assert 'href="/files/att-1">задание.pdf</a>' in html
    assert 'Оценок:</span> 2 · <span class="k">Пропусков:</span> 1' in html
    assert "Урок отменён" in html
    assert 'href="/classes/5a/days/2026-11-30" rel="prev"' in html
    assert 'href="/classes/5a/days/2026-12-02" rel="next"' in html
    assert P1 not in html
    assert P2 not in html


async def test_a_day_without_lessons_says_so(client, diary):
    diary.gets[f"{YEAR_PATH}/classes/5a/days/2026-12-06"] = empty_day(dt.date(2026, 12, 6))

    page = await client.get("/classes/5a/days/2026-12-06")

    assert page.status_code == 200
    assert "В этот день уроков нет." in page.text


async def test_a_malformed_date_or_id_is_not_found_without_asking_the_diary(client, diary):
    assert (await client.get("/classes/5a/days/2026-13-01")).status_code == 404
    assert (await client.get("/classes/5a/subjects/ma%20th")).status_code == 404
    assert diary.asked == []


async def test_an_outage_of_the_diary_is_the_503_page(client, diary):
    diary.down = True

    page = await client.get("/classes/5a/subjects/math")

    assert page.status_code == 503
    assert page.headers["Retry-After"]
    assert "Дневник временно недоступен" in page.text


async def test_the_menu_loads_the_unread_count_lazily(client):
    page = await client.get("/classes")

    assert 'hx-get="/messages/badge"' in page.text
