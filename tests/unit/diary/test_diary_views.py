"""Assembling views: a pupil sees only their own marks; averages are the regulation's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from kernel.grading import weighted_average
from services.diary.domain.assembly import average, pupil_lessons, pupil_marks
from services.diary.domain.rows import AbsenceRow, LessonRow, LessonSet, MarkRow, SchoolConfig
from tests.support.diary import pseudonym

SCALE = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "н/а": None}
CONFIG = SchoolConfig(scale=SCALE, work_kinds={"answer": "Ответ"}, subjects={"math": "Матем."})
ANNA, BORIS = pseudonym("anna"), pseudonym("boris")


def lesson(lesson_id: str, day: int, slot: int = 1) -> LessonRow:
    return LessonRow(
        lesson_id, "5a", "math", dt.date(2026, 9, day), slot, None, "t", "held", None, None, None
    )


def mark_row(lesson_id: str, pupil: str, value: str, weight: str = "1", counts=True) -> MarkRow:
    return MarkRow(
        lesson_id,
        f"{lesson_id}-{pupil[:4]}-{value}",
        pupil,
        value,
        "answer",
        Decimal(weight),
        None,
        counts,
        False,
    )


def test_a_pupil_sees_their_own_marks_and_absence_in_day_and_slot_order():
    found = LessonSet(
        lessons=(lesson("b", 8), lesson("a", 7, 2), lesson("c", 7, 1)),
        marks=(mark_row("a", ANNA, "5"), mark_row("a", BORIS, "2")),
        absences=(AbsenceRow("c", BORIS, "absent", None, "illness", "Б"),),
    )
    lessons = pupil_lessons(ANNA, found, CONFIG, lambda a: f"/f/{a}")
    assert [x.lesson_id for x in lessons] == ["c", "a", "b"]
    assert [m.value for m in lessons[1].marks] == ["5"]
    assert all(x.absence is None for x in lessons)
    assert lessons[1].marks[0].work_kind_name == "Ответ"


def test_the_average_skips_marks_that_do_not_count_or_have_no_number():
    found = LessonSet(
        lessons=(lesson("a", 7), lesson("b", 8)),
        marks=(
            mark_row("a", ANNA, "5"),
            mark_row("a", ANNA, "3", weight="2"),
            mark_row("b", ANNA, "н/а"),
            mark_row("b", ANNA, "1", counts=False),
        ),
    )
    marks, avg = pupil_marks(ANNA, found, CONFIG)
    assert [m.date.day for m in marks] == [7, 7, 8, 8]
    assert avg == "3.67"
    assert pupil_marks(BORIS, found, CONFIG) == ((), None)


@given(
    st.lists(
        st.tuples(st.sampled_from(list(SCALE)), st.sampled_from(["0.5", "1", "2", "10"])),
        max_size=12,
    )
)
def test_the_average_is_contracts_weighted_average_with_two_decimals(values):
    rows = [mark_row("a", ANNA, value, weight) for value, weight in values]
    expected = weighted_average(rows, SCALE)
    assert average(rows, SCALE) == (None if expected is None else f"{expected:.2f}")
