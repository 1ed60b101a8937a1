"""Children's display names, a lesson's card, marks and the subject page's view."""

from __future__ import annotations

import datetime as dt

from services.portal.domain.children import checked_label, children_of
from services.portal.domain.lesson_card import lesson_card, size_text
from services.portal.domain.marks import absence_note, decimal_text, mark_note
from services.portal.domain.subject_view import period_choices, subject_view

CHILD = {"pupil": "p1", "relation": "parent", "label": None, "class_id": "5a",
         "class_label": "5А", "seen_up_to": 0}  # fmt: skip


def test_children_are_shown_by_label_and_class_or_by_their_number():
    children = children_of(
        {"children": [{**CHILD, "label": "Маша"}, CHILD, {**CHILD, "class_label": None}]}
    )

    assert [c.title for c in children] == ["Маша, 5А", "Ребёнок 2, 5А", "Ребёнок 3, 5a"]


def test_a_pupil_reads_their_own_diary():
    (me,) = children_of({"children": [{**CHILD, "relation": "pupil", "class_id": None,
                                       "class_label": None}]})  # fmt: skip

    assert me.title == "Мой дневник"


def test_a_label_is_stripped_and_bounded():
    assert checked_label("  Маша ") == "Маша"
    assert checked_label("   ") is None
    assert checked_label("М" * 41) is None
    assert checked_label("М" * 40) == "М" * 40
    assert checked_label("Ма\u0000ша") is None


def test_numbers_read_the_russian_way():
    assert decimal_text("4.25") == "4,25"
    assert decimal_text("2.00") == "2"
    assert decimal_text("1.50") == "1,5"
    assert decimal_text("4.5", 2) == "4,50"
    assert decimal_text(None) is None
    assert decimal_text("n/a") is None


def test_a_mark_says_its_kind_and_weight_and_whether_it_counts():
    mark = {"value": "5", "work_kind_id": "test", "work_kind_name": None, "weight": "1.5",
            "counts": False}  # fmt: skip

    assert mark_note(mark).describe == "test, вес 1,5, не учитывается в среднем"


def test_lateness_says_how_late():
    late = absence_note({"letter": "ОП", "kind": "late", "minutes_late": 10})

    assert (late.letter, late.meaning) == ("ОП", "опоздал(а) на 10 мин")
    assert absence_note({"letter": "У", "kind": "absent"}).meaning == (
        "отсутствовал(а) по уважительной причине"
    )


def test_a_cancelled_lesson_with_no_teacher_name_and_a_file():
    card = lesson_card(
        {
            "lesson_id": "l1", "date": "2026-09-14", "slot": 2, "subject_id": "math",
            "subject_name": None, "status": "cancelled",
            "files": [{"attachment_id": "a1", "name": "лист.pdf", "size": 3_500_000}],
        }
    )  # fmt: skip

    assert card.time == "09:25–10:10"
    assert card.subject == "math"
    assert card.teacher == "учитель"
    assert card.cancelled
    assert card.files[0].url == "/files/a1"
    assert card.files[0].size == "3,3 МБ"
    assert card.date == dt.date(2026, 9, 14)


def test_file_sizes():
    assert size_text(900) == "900 Б"
    assert size_text(12_345) == "12 КБ"


def test_the_subject_view_offers_the_periods_it_knows_and_the_whole_year():
    answer = {"subject_id": "math", "subject_name": "Математика", "period_id": "q2",
              "starts_on": "2026-11-05", "ends_on": "2026-12-28", "marks": [],
              "average": None, "period_mark": None,
              "period_marks": [{"period_id": "q1", "value": "5"}]}  # fmt: skip

    view = subject_view(answer)

    assert view.period == "2 четверть"
    assert view.days == "5 ноября – 28 декабря 2026"
    assert view.average is None
    assert [(c.period_id, c.name, c.selected) for c in view.choices] == [
        ("q2", "2 четверть", True),
        ("q1", "1 четверть", False),
        ("year", "весь год", False),
    ]


def test_the_school_s_periods_are_offered_by_their_names_when_the_diary_lists_them():
    answer = {"period_id": None, "periods": [{"period_id": "a", "name": "Осень"},
                                             {"period_id": "b", "name": "Весна"}]}  # fmt: skip

    choices = period_choices(answer)

    assert [(c.name, c.selected) for c in choices] == [
        ("Осень", False),
        ("Весна", False),
        ("весь год", True),
    ]
