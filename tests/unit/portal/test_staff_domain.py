"""The pure part of a teacher UID's pages: their classes and subjects from the profile, the
grid's table (pupils by number in the diary's order, marks and absences in their lessons'
columns) and its periods, the class's day, and times of messages in the school's time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from kernel.russian_dates import column_day, moment_text
from services.portal.domain.class_day import class_day
from services.portal.domain.class_grid import grid_periods, grid_table
from services.portal.domain.my_classes import class_cards, class_label

MOSCOW = ZoneInfo("Europe/Moscow")
TODAY = dt.date(2026, 12, 5)
CLASSES = [
    {"class_id": "5a", "class_label": "5А", "subject_id": "math", "subject_name": "Математика",
     "subjects": [{"subject_id": "math", "subject_name": "Математика"}]},
    {"class_id": "5a", "class_label": "5А", "subject_id": None, "subject_name": None,
     "subjects": [{"subject_id": "russian", "subject_name": "Русский язык"},
                  {"subject_id": "math", "subject_name": "Математика"},
                  {"subject_id": "pe", "subject_name": None}]},
    {"class_id": "6b", "class_label": None, "subject_id": "art", "subject_name": None,
     "subjects": [{"subject_id": "art", "subject_name": None}]},
]  # fmt: skip
PERIODS = [
    {"period_id": "h1", "name": "Первое полугодие", "starts_on": "2026-09-01",
     "ends_on": "2026-12-28"},
    {"period_id": "h2", "name": "Второе полугодие", "starts_on": "2027-01-11",
     "ends_on": "2027-05-31"},
]  # fmt: skip


def test_a_class_is_one_card_with_the_subjects_of_all_its_grants_by_name():
    cards = class_cards(CLASSES)

    assert [(c.class_id, c.label, c.class_teacher) for c in cards] == [
        ("5a", "5А", True),
        ("6b", "6b", False),
    ]
    assert [(s.subject_id, s.name) for s in cards[0].subjects] == [
        ("math", "Математика"),
        ("russian", "Русский язык"),
        ("pe", "pe"),  # one the school has not named: after the named, by its id
    ]
    assert [(s.subject_id, s.name) for s in cards[1].subjects] == [("art", "art")]


def test_a_name_from_any_grant_wins_over_a_bare_id():
    unnamed = {"class_id": "5a", "subject_id": None, "subjects": [{"subject_id": "math"}]}
    named = {"class_id": "5a", "subject_id": "math", "subject_name": "Математика"}

    for classes in ([unnamed, named], [named, unnamed]):
        (card,) = class_cards(classes)
        assert [(s.subject_id, s.name) for s in card.subjects] == [("math", "Математика")]


def test_a_grant_listing_no_subjects_opens_its_own_subject_only():
    (card,) = class_cards([{"class_id": "7v", "subject_id": "bio", "subject_name": "Биология"}])
    (lead,) = class_cards([{"class_id": "7v", "subject_id": None, "subjects": []}])

    assert [s.subject_id for s in card.subjects] == ["bio"]
    assert not card.class_teacher
    assert lead.class_teacher
    assert lead.subjects == ()


def test_a_class_is_named_by_its_label_else_its_id():
    assert class_label(CLASSES, "5a") == "5А"
    assert class_label(CLASSES, "6b") == "6b"


def _grid(pupils: list[str]) -> dict[str, object]:
    return {
        "class_id": "5a",
        "subject_id": "math",
        "subject_name": None,
        "period_id": None,
        "starts_on": "2026-09-01",
        "ends_on": "2027-05-31",
        "lessons": [
            {"lesson_id": "l1", "date": "2026-09-02", "slot": 4, "status": "cancelled",
             "topic": None, "corrected_after_close": True},
            {"lesson_id": "l2", "date": "2026-09-03", "slot": 1, "status": "held",
             "topic": "Тема", "corrected_after_close": False},
        ],
        "pupils": [
            {"pupil": p, "average": "3.5" if i == 0 else None,
             "marks": [{"lesson_id": "l2", "date": "2026-09-03",
                        "mark": {"value": "4", "work_kind_name": None, "work_kind_id": "oral",
                                 "weight": "1.5", "counts": False, "corrected": True,
                                 "corrected_after_close": True}}] if i == 0 else [],
             "absences": [["l1", {"letter": "ОП", "kind": "late", "minutes_late": 3,
                                  "reason": "unknown"}]] if i == 1 else []}
            for i, p in enumerate(pupils)
        ],
    }  # fmt: skip


def test_the_grid_puts_each_mark_and_absence_in_its_lessons_column():
    table = grid_table(_grid(["p" + "1" * 32, "p" + "2" * 32]))

    assert table.subject == "math"
    assert [c.day for c in table.columns] == ["02.09", "03.09"]
    assert table.columns[0].cancelled
    assert table.columns[0].flagged
    assert table.columns[0].title == "ср, 2 сентября, 4-й урок (11:25–12:10); отменён"
    first, second = table.rows
    assert first.label == "Ученик 1"
    assert second.label == "Ученик 2"
    assert first.cells[0].marks == ()
    (mark,) = first.cells[1].marks
    assert (mark.value, mark.title) == ("4", "oral, вес 1,5, не учитывается в среднем, исправлена")
    assert first.cells[1].flagged
    assert (first.average, first.absences) == ("3,50", 0)
    assert second.cells[0].absence == "ОП"
    assert second.cells[0].absence_title == "опоздал(а)"
    assert (second.average, second.absences) == ("—", 1)


def test_the_grid_offers_the_school_years_periods_by_their_names_then_the_whole_year():
    shown = {**_grid([]), "period_id": "h2"}

    name, choices = grid_periods(shown, PERIODS)

    assert name == "Второе полугодие"
    assert [(c.period_id, c.name, c.selected) for c in choices] == [
        ("h1", "Первое полугодие", False),
        ("h2", "Второе полугодие", True),
        ("year", "весь год", False),
    ]


def test_the_whole_year_and_a_period_the_profile_does_not_list():
    name, choices = grid_periods({**_grid([]), "period_id": None}, PERIODS)
    assert name == "учебный год"
    assert [c.period_id for c in choices if c.selected] == ["year"]

    name, choices = grid_periods({**_grid([]), "period_id": "q2"}, [])
    assert name == "2 четверть"  # read from the id, as the school names no period
    assert [(c.period_id, c.selected) for c in choices] == [("q2", True), ("year", False)]


@given(st.lists(st.text("0123456789abcdef", min_size=32, max_size=32), unique=True, max_size=30))
def test_pupils_are_numbered_from_one_in_the_answers_order_and_never_named(pupils):
    table = grid_table(_grid(["p" + p for p in pupils]))

    assert [r.label for r in table.rows] == [f"Ученик {n}" for n in range(1, len(pupils) + 1)]
    shown = repr(table)
    assert not any(p in shown for p in pupils)


def test_the_class_day_counts_marks_and_absences_and_links_the_days_around():
    view = class_day(
        {
            "date": "2026-12-01",
            "lessons": [
                {"lesson_id": "l1", "date": "2026-12-01", "slot": 3, "subject_id": "math",
                 "subject_name": "Математика", "teacher_name": None, "status": "held",
                 "topic": None, "homework": None, "homework_due_on": None, "files": [],
                 "marks": [{"pupil": "p1", "mark": {"value": "5"}}] * 3,
                 "absences": [{"pupil": "p2", "absence": {"letter": "Н"}}]},
            ],
        }
    )  # fmt: skip

    (lesson,) = view.lessons
    assert (lesson.marks, lesson.absences) == (3, 1)
    assert lesson.card.time == "10:20–11:05"
    assert lesson.card.teacher == "учитель"
    assert lesson.card.marks == ()
    assert lesson.card.absence is None
    assert (view.previous, view.next) == (dt.date(2026, 11, 30), dt.date(2026, 12, 2))


def test_times_are_written_in_the_schools_zone_as_briefly_as_stays_clear():
    def at(text: str) -> str:
        return moment_text(dt.datetime.fromisoformat(text), TODAY, MOSCOW)

    assert at("2026-12-05T07:05:00+00:00") == "сегодня, 10:05"
    assert at("2026-12-04T20:59:00+00:00") == "вчера, 23:59"
    assert at("2026-12-04T21:00:00+00:00") == "сегодня, 00:00"
    assert at("2026-09-14T06:00:00+00:00") == "пн, 14 сентября, 09:00"
    assert at("2025-12-31T10:00:00+00:00") == "31 декабря 2025, 13:00"
    assert column_day(dt.date(2026, 9, 1)) == "01.09"
