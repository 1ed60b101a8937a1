"""The lesson page's pure part: the class list, whose lesson it is, whether the view shows a
save, and the teacher's day words."""

from __future__ import annotations

import datetime as dt

from kernel.russian_dates import full_date, long_day
from services.web.domain.journal_choice import journal_choices
from services.web.domain.lesson_page import (
    column_count,
    default_kind,
    pupil_lines,
    shows_save,
    teacher_line,
    work_kinds,
)
from services.web.domain.teacher_day import chosen_day, missing_labels, neighbours

LESSON = {
    "status": "held",
    "topic": "Дроби",
    "attendance_taken": True,
    "teacher": {"staff_id": "t2", "full_name": "Петрова Анна"},
    "timetabled_teacher": {"staff_id": "t1", "full_name": "Иванова Мария"},
    "substituted": True,
    "homework": {"text": "№ 5", "due_on": None, "attachments": [{"attachment_id": "att-1"}]},
    "pupils": [{"pupil_id": "p1", "full_name": "Акимова Вера"},
               {"pupil_id": "p2", "full_name": None}],
    "marks": [
        {"mark_id": "m1", "pupil_id": "p1", "value": "5", "work_kind_id": "test", "weight": "2.00",
         "counts": True, "cancelled": False},
        {"mark_id": "m2", "pupil_id": "p1", "value": "2", "work_kind_id": "oral", "weight": "1.00",
         "counts": True, "cancelled": True},
    ],
    "absences": [{"pupil_id": "p2", "kind": "late", "minutes_late": 10, "reason": "illness",
                  "letter": "ОП"}],
}  # fmt: skip
ROSTER = {
    "work_kinds": [
        {"work_kind_id": "dictation", "name": "Диктант", "weight": "1.5"},
        {"work_kind_id": "classwork", "name": "Работа на уроке", "weight": "1"},
    ]
}


def test_the_class_list_shows_live_marks_with_their_kind_and_the_attendance_held():
    lines = pupil_lines(LESSON, {"test": "Контрольная работа"})
    assert [(p.pupil_id, p.name) for p in lines] == [("p1", "Акимова Вера"), ("p2", "p2")]
    assert lines[0].marks == (("5", "Контрольная работа, вес 2"),)  # the cancelled one is gone
    assert (lines[1].letter, lines[1].reason, lines[1].minutes_late) == ("ОП", "illness", "10")
    assert (lines[0].letter, lines[0].reason) == ("", "")


def test_a_substitution_names_both_teachers():
    assert teacher_line(LESSON) == "Замена: урок ведёт Петрова Анна, по расписанию Иванова Мария"
    assert teacher_line({**LESSON, "substituted": False}) == "Учитель: Петрова Анна"


def test_kinds_of_work_carry_their_weight_and_classwork_comes_first_chosen():
    assert work_kinds(ROSTER) == [
        ("dictation", "Диктант (вес 1,5)"),
        ("classwork", "Работа на уроке (вес 1)"),
    ]
    assert default_kind(ROSTER) == "classwork"
    assert default_kind({"work_kinds": ROSTER["work_kinds"][:1]}) == "dictation"
    assert default_kind({}) == ""


def test_the_number_of_new_mark_columns_is_bounded():
    assert [column_count(t) for t in (None, "", "2", "99", "x", "0")] == [1, 1, 2, 4, 1, 1]


BODY = {
    "held": True,
    "topic": " Дроби ",
    "homework": {"text": "№ 5", "due_on": None},
    "marks": [],
    "attendance": [{"pupil_id": "p2", "kind": "late"}],
}


def test_the_view_shows_a_save_once_marks_files_status_texts_attendance_and_reasons_are_there():
    assert shows_save(LESSON, BODY, [("p2", "illness")], ["m1", "att-1"])
    assert not shows_save(LESSON, BODY, [], ["m9"])  # a new mark not there yet
    assert not shows_save({**LESSON, "status": "scheduled"}, BODY, [], [])
    assert not shows_save(LESSON, {**BODY, "topic": "Другая"}, [], [])
    assert not shows_save(LESSON, {**BODY, "attendance": []}, [], [])
    assert not shows_save(LESSON, BODY, [("p2", "valid")], [])
    assert not shows_save({**LESSON, "attendance_taken": False}, BODY, [], [])


def test_the_day_asked_for_and_its_neighbours():
    today = dt.date(2026, 12, 5)
    assert chosen_day("2026-09-14", today) == dt.date(2026, 9, 14)
    assert chosen_day("14.09.2026", today) == today
    assert chosen_day(None, today) == today
    assert neighbours(today) == (dt.date(2026, 12, 4), dt.date(2026, 12, 6))
    assert long_day(today) == "суббота, 5 декабря 2026"
    assert full_date(today) == "5 декабря 2026"


def test_whats_missing_is_said_in_the_schools_words():
    assert missing_labels(["topic", "held", "attendance", "new"]) == [
        "нет темы",
        "не отмечен как проведённый",
        "не отмечена посещаемость",
        "new",
    ]


CHOICE_ROSTER = {
    "subjects": [
        {"subject_id": "math", "name": "Математика"},
        {"subject_id": "art", "name": "ИЗО"},
    ],
    "classes": [
        {"class_id": "5a", "label": "5А", "class_teacher_id": "t9"},
        {"class_id": "5b", "label": "5Б", "class_teacher_id": "t1"},
        {"class_id": "6a", "label": "6А", "class_teacher_id": "t8"},
    ],
    "assignments": [
        {"class_id": "5a", "subject_id": "math", "teacher_id": "t1", "group": None},
        {"class_id": "5a", "subject_id": "art", "teacher_id": "t2", "group": None},
        {"class_id": "5b", "subject_id": "math", "teacher_id": "t3", "group": None},
        {"class_id": "5b", "subject_id": "art", "teacher_id": "t2", "group": None},
        {"class_id": "6a", "subject_id": "art", "teacher_id": "t2", "group": None},
    ],
}


def test_a_teacher_is_offered_what_they_teach_and_all_of_their_own_class():
    offered = journal_choices(CHOICE_ROSTER, "t1", reads_all=False)
    assert [(c.class_id, c.led_by_me, [s.subject_id for s in c.subjects]) for c in offered] == [
        ("5a", False, ["math"]),
        ("5b", True, ["art", "math"]),  # by name: ИЗО, Математика
    ]
    assert [s.mine for s in offered[1].subjects] == [False, False]


def test_the_administration_is_offered_every_class_and_subject_taught():
    offered = journal_choices(CHOICE_ROSTER, "dep1", reads_all=True)
    assert [(c.class_id, len(c.subjects)) for c in offered] == [("5a", 2), ("5b", 2), ("6a", 1)]
