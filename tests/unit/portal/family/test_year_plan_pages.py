"""The family's pages follow the child's class: its periods (a tenth grader's halves, a fifth
grader's quarters), its subjects' assessment («зачтено» / «не зачтено», no marks at all) and
the days off of the week and the day.

The diary is a fake standing in for its HTTP API (`family_world`); the app, its templates and
error pages are the real ones.
"""

from __future__ import annotations

from tests.unit.portal.family.family_world import BASE, MATH, MINE, SUBJECT, WEEK, text_of

HALVES = [
    {"period_id": "h1", "name": "1 полугодие", "starts_on": "2026-09-01", "ends_on": "2026-12-28"},
    {"period_id": "h2", "name": "2 полугодие", "starts_on": "2027-01-09", "ends_on": "2027-05-26"},
]
PASSED = {**MATH["marks"][0], "value": "зач", "label": "зачтено"}  # type: ignore[index]
FAILED = {**MATH["marks"][0], "mark_id": "m2", "value": "незач"}  # type: ignore[index]
MUSIC = {
    **SUBJECT,
    "subject_id": "music",
    "subject_name": "Музыка",
    "period_id": "h1",
    "starts_on": "2026-09-01",
    "ends_on": "2026-12-28",
    "assessment": "pass_fail",
    "periods": HALVES,
    "marks": [
        {"lesson_id": "l1", "date": "2026-09-14", "mark": PASSED},
        {"lesson_id": "l2", "date": "2026-09-21", "mark": FAILED},
    ],
    "average": None,
    "period_mark": {
        "period_id": "h1",
        "value": "зач",
        "label": "зачтено",
        "name": "1 полугодие",
        "average": None,
        "corrected_after_close": False,
    },
    "period_marks": [],
}
DRAWING = {
    **SUBJECT,
    "subject_id": "drawing",
    "subject_name": "ИЗО",
    "assessment": "unmarked",
    "marks": [],
    "average": None,
    "period_mark": None,
    "period_marks": [],
}


async def test_a_tenth_grader_chooses_among_halves_and_passes_read_as_such(parent, diary):
    diary.gets[f"{BASE}/pupils/{MINE}/subjects/music"] = MUSIC
    page = await parent.get(f"/children/{MINE}/subjects/music", params={"period": "h1"})

    assert page.status_code == 200
    words = text_of(page.text)
    assert '<option value="h1" selected>1 полугодие</option>' in page.text
    assert '<option value="h2">2 полугодие</option>' in page.text
    assert "четверть" not in words  # the school's quarters are not this class's periods
    assert "1 полугодие: 1 сентября – 28 декабря 2026" in words
    assert "Оценка за период «1 полугодие»: зачтено" in words
    assert "зачтено пн, 14 сентября" in words
    assert "не зачтено пн, 21 сентября" in words
    assert "Средний балл" not in words
    assert "«зачтено / не зачтено»" in words


async def test_a_subject_without_marks_shows_neither_marks_nor_average(parent, diary):
    diary.gets[f"{BASE}/pupils/{MINE}/subjects/drawing"] = DRAWING
    page = await parent.get(f"/children/{MINE}/subjects/drawing")

    assert page.status_code == 200
    words = text_of(page.text)
    assert "без отметок" in words
    assert "Средний балл" not in words
    assert "Оценка за период" not in words
    assert "Оценки" not in words


async def test_an_answer_without_the_classs_periods_offers_the_schools(parent):
    page = await parent.get(f"/children/{MINE}/subjects/math", params={"period": "q1"})

    assert '<option value="q2">2 четверть</option>' in page.text
    assert "Средний балл (взвешенный): 4,33" in text_of(page.text)


async def test_the_week_and_the_day_show_the_days_off(parent, diary):
    days_off = [
        {"date": "2026-09-17", "name": "День школы", "kind": "holiday"},
        {"date": "2026-09-19", "name": "Осенние каникулы", "kind": "vacation"},
    ]
    diary.gets[f"{BASE}/pupils/{MINE}/weeks/2026-09-14"] = {**WEEK, "days_off": days_off}
    diary.gets[f"{BASE}/pupils/{MINE}/days/2026-09-17"] = {
        **WEEK,
        "starts_on": "2026-09-17",
        "ends_on": "2026-09-17",
        "lessons": [],
        "days_off": days_off[:1],
    }

    week = text_of((await parent.get(f"/children/{MINE}/week/2026-09-14")).text)
    assert "Праздничный день: День школы" in week
    assert "Каникулы: Осенние каникулы" in week
    day = await parent.get(f"/children/{MINE}/day/2026-09-17")
    assert day.status_code == 200
    words = text_of(day.text)
    assert "Праздничный день: День школы" in words
    assert "В этот день уроков нет" not in words


async def test_a_pass_fail_mark_in_the_news_reads_as_such(parent, diary):
    news = {
        "pupil": MINE,
        "latest": 9_000_001,
        "changes": [
            {
                "change_id": 9_000_001,
                "kind": "period_mark_set",
                "recorded_at": "2026-09-16T11:03:00+00:00",
                "lesson_id": None,
                "date": None,
                "subject_id": "music",
                "subject_name": "Музыка",
                "class_id": "10a",
                "period_id": "h1",
                "period_name": "1 полугодие",
                "old": "незач",
                "new": "зач",
                "work_kind_name": None,
                "weight": None,
                "due_on": None,
            }
        ],
    }
    diary.gets[f"{BASE}/pupils/{MINE}/changes"] = news
    words = text_of((await parent.get("/news")).text)
    assert "Оценка за период «1 полугодие» исправлена: было не зачтено, стало зачтено" in words
