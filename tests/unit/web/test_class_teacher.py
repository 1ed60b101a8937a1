"""«Мой класс», its pure part: the class and range chosen, the pupils × subjects summary, the
absences with their reasons, and who can read each diary."""

from __future__ import annotations

import datetime as dt

from services.web.domain.class_absences import (
    absence_rows,
    absences_in,
    lessons_with_absences,
    refusal_text,
)
from services.web.domain.class_teacher import (
    SubjectRef,
    cell_text,
    classes_of,
    current_pupils,
    led_by,
    month_choices,
    month_of,
    subjects_of,
    summary,
)
from services.web.domain.diary_access import access_lines
from services.web.domain.periods import Period

ROSTER = {
    "classes": [
        {"class_id": "5a", "grade": 5, "label": "5А", "class_teacher_id": "t023"},
        {"class_id": "5b", "grade": 5, "label": "5Б", "class_teacher_id": "t015"},
    ],
    "subjects": [
        {"subject_id": "math", "name": "Математика"},
        {"subject_id": "english", "name": "Английский язык"},
    ],
    "staff": [
        {"staff_id": "t015", "full_name": "Пестова Ж. Р.", "position": "учитель"},
        {"staff_id": "t023", "full_name": "Федотова Н. С.", "position": "учитель"},
        {"staff_id": "t033", "full_name": "Ефремова А. В.", "position": "учитель"},
    ],
    "assignments": [
        {"class_id": "5a", "subject_id": "math", "teacher_id": "t015", "group": None},
        {"class_id": "5a", "subject_id": "english", "teacher_id": "t033", "group": "1"},
        {"class_id": "5a", "subject_id": "english", "teacher_id": "t023", "group": "2"},
        {"class_id": "5b", "subject_id": "math", "teacher_id": "t015", "group": None},
    ],
}
MATH = SubjectRef("math", "Математика", "Пестова Ж. Р.")
ENGLISH = SubjectRef("english", "Английский язык", "Ефремова А. В., Федотова Н. С.")


def grid(lessons, rows):
    return {"lessons": lessons, "rows": rows, "date_from": "2026-09-01", "date_to": "2026-09-30"}


def lesson(lesson_id, day, slot=1):
    return {"lesson_id": lesson_id, "date": day, "slot": slot, "status": "held", "topic": None}


def row(pupil_id, name, cells, average=None, absences=0, lates=0):
    return {
        "pupil_id": pupil_id,
        "full_name": name,
        "since": "2026-09-01",
        "last_day": None,
        "cells": [{"lesson_id": lid, "marks": [], "absence": letter} for lid, letter in cells],
        "average": average,
        "absences": absences,
        "lates": lates,
    }


GRIDS = {
    "math": grid(
        [lesson("m1", "2026-09-02", 3), lesson("m2", "2026-09-01", 2)],
        [
            row("p2", "Борисов Б.", [("m1", None), ("m2", "Н")], "4.50", absences=1),
            row("p1", "Акимова А.", [("m1", "ОП"), ("m2", None)], "3.714", lates=1),
        ],
    ),
    "english": grid(
        [lesson("e1", "2026-09-01", 2)],
        [row("p1", "Акимова А.", [("e1", "Б")], None, absences=1)],
    ),
}


def test_the_page_opens_on_the_whole_current_month():
    assert month_of(dt.date(2026, 12, 5)) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert month_of(dt.date(2027, 2, 14)) == (dt.date(2027, 2, 1), dt.date(2027, 2, 28))


def test_the_months_of_the_school_year_are_offered_september_to_may():
    months = month_choices(dt.date(2026, 9, 1), dt.date(2027, 5, 31))

    assert [m.label for m in months][:2] == ["сентябрь 2026", "октябрь 2026"]
    assert months[-1].label == "май 2027"
    assert (months[-1].first, months[-1].last) == (dt.date(2027, 5, 1), dt.date(2027, 5, 31))
    assert len(months) == 9


def test_a_teacher_finds_the_class_they_lead_and_others_none():
    classes = classes_of(ROSTER)

    assert [c.class_id for c in led_by(classes, "t015")] == ["5b"]
    assert led_by(classes, "t033") == []


def test_a_subject_split_into_groups_is_one_column_with_both_teachers():
    assert subjects_of(ROSTER, "5a") == [ENGLISH, MATH]


def test_the_summary_has_each_pupil_with_each_subjects_average_and_absences():
    found = summary([ENGLISH, MATH], GRIDS, [])

    assert [line.name for line in found.lines] == ["Акимова А.", "Борисов Б."]
    akimova, borisov = found.lines
    assert akimova.cells[0] is not None
    assert (akimova.cells[0].average, akimova.cells[0].absences) == ("—", 1)
    assert akimova.cells[1] is not None
    assert akimova.cells[1].average == "3,71"
    assert (akimova.absences, akimova.lates) == (1, 1)
    assert borisov.cells[0] is None  # not in the English grid
    assert found.lessons == 3
    assert cell_text(akimova.cells[1]) == "3,71; опозданий 1"
    assert cell_text(None) == "—"


def test_without_grids_the_summary_lists_the_class_members():
    members = [{"pupil_id": "p9", "full_name": "Яковлев Я.", "since": "2026-09-01"}]

    found = summary([], {}, members)

    assert [(line.pupil_id, line.cells) for line in found.lines] == [("p9", ())]


def test_absences_are_found_in_every_grid_by_date_and_lesson_number():
    refs = absences_in([ENGLISH, MATH], GRIDS)

    assert [(r.lesson_id, r.pupil_id, r.letter) for r in refs] == [
        ("e1", "p1", "Б"),
        ("m2", "p2", "Н"),
        ("m1", "p1", "ОП"),
    ]
    assert lessons_with_absences(refs) == ["e1", "m2", "m1"]


def test_an_absence_row_says_the_reason_evidence_and_who_recorded_it():
    refs = absences_in([ENGLISH, MATH], GRIDS)
    details = {
        "e1": {
            "absences": [
                {
                    "pupil_id": "p1",
                    "kind": "absent",
                    "reason": "illness",
                    "evidence": "справка",
                    "observed_by": "t033",
                    "reason_set_by": "t023",
                }
            ]
        },
        "m1": {
            "absences": [
                {
                    "pupil_id": "p1",
                    "kind": "late",
                    "minutes_late": 7,
                    "reason": "unknown",
                    "observed_by": "t015",
                    "reason_set_by": None,
                }
            ]
        },
    }
    closed = [Period("q1", "1 четверть", dt.date(2026, 9, 2), dt.date(2026, 10, 26), True)]
    names = {"t023": "Федотова Н. С.", "t033": "Ефремова А. В."}

    illness, unknown, late = absence_rows(refs, details, names, closed)

    assert (illness.reason, illness.evidence) == ("illness", "справка")
    assert (illness.observed_by, illness.reason_set_by) == ("Ефремова А. В.", "Федотова Н. С.")
    assert illness.letter_text == "болел(а)"
    assert illness.key == "e1--p1"
    assert not illness.closed  # 1 September is before the closed period
    assert unknown.reason == "unknown"  # no detail answered for m2
    assert unknown.observed_by == "—"
    assert late.reason_text == "опоздание 7 мин; причина не известна (Н)"
    assert late.observed_by == "t015"  # a name the roster does not know: the id
    assert late.closed


def test_the_diary_access_groups_parents_the_pupil_and_staff():
    answer = {
        "links": [
            {"uid": 101, "relation": "parent", "applicant_name": "Ильина Е.", "kinship": "mother"},
            {"uid": 102, "relation": "pupil", "applicant_name": "Ильина С."},
            {"uid": 103, "relation": "parent", "applicant_name": "Ильин И.", "live": False},
        ],
        "staff": [
            {"staff_id": "t023", "full_name": "Федотова", "uid": 2, "subject_id": None},
            {"staff_id": "t023", "full_name": "Федотова", "uid": 2, "subject_id": "english"},
            {"staff_id": "t015", "full_name": "Пестова", "uid": 1, "subject_id": "math"},
        ],
        "departure": None,
    }
    subjects = {"math": "Математика", "english": "Английский язык"}

    found = access_lines(
        [("p1", "Ильина С."), ("p2", "Новая Н.")], {"p1": answer, "p2": {"unknown": True}}, subjects
    )

    assert found[0].parents == ("Ильина Е. (мать), UID 101",)
    assert found[0].own == ("UID 102",)
    assert found[0].staff == (
        "Пестова (UID 1): Математика",
        "Федотова (UID 2): классный руководитель, Английский язык",
    )
    assert not found[0].unknown
    assert found[1].unknown


def test_the_pupils_of_today_are_the_current_members():
    members = [
        {"pupil_id": "p1", "full_name": "Б", "since": "2026-09-01", "last_day": "2026-10-01"},
        {"pupil_id": "p2", "full_name": "А", "since": "2026-09-01", "last_day": None},
        {"pupil_id": "p3", "full_name": "В", "since": "2027-01-10", "last_day": None},
    ]

    assert current_pupils(members, dt.date(2026, 12, 5)) == [("p2", "А")]
    assert [p for p, _ in current_pupils(members, dt.date(2026, 8, 1))] == ["p2", "p1", "p3"]


def test_a_refusal_of_the_journal_is_said_in_russian_with_its_code():
    assert refusal_text("nothing_to_change", "already") == (
        "Эта причина и подтверждение уже указаны. (nothing_to_change)"
    )
    assert refusal_text("strange", "the API's words") == "the API's words (strange)"
    errors = [{"loc": ["body", "evidence"], "msg": "too long"}]
    assert refusal_text("validation_failed", "", errors) == (
        "Проверьте: подтверждение: too long (validation_failed)"
    )
