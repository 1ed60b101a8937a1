"""The journal's answers (`kernel.answers`) on the wire, and the average the grid shows.

Both the journal view and the audit's as-of view publish these answers; what a client reads is
their JSON as FastAPI writes it (through pydantic), so that is what is checked here: weights
with their two places, dates and moments in ISO 8601, a homework file as the event recorded it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter

from contracts.journal import Attachment
from kernel.answers import (
    ClassGrid,
    GridCell,
    GridLesson,
    GridMark,
    GridRow,
    Homework,
    LessonCorrection,
)
from kernel.grading import recorded_average, weighted_average

SEPT_7 = dt.date(2026, 9, 7)
SHEET = Attachment(
    attachment_id="a1", name="sheet.pdf", size=12, media_type="application/pdf", sha256="0" * 64
)


def test_a_grid_is_written_as_the_journal_always_wrote_it():
    mark = GridMark("m1", "5", "test", Decimal("2.00"), corrected=False)
    row = GridRow("p1", "Антонова", SEPT_7, None, [GridCell("l1", [mark])], Decimal("5.00"), 0, 1)
    lesson = GridLesson("l1", SEPT_7, 1, "held", "Дроби", "t1")
    grid = ClassGrid("s1", 2026, "5a", "math", SEPT_7, SEPT_7, [lesson], [row])

    written = TypeAdapter(ClassGrid).dump_python(grid, mode="json")

    assert written["date_from"] == "2026-09-07"
    assert written["lessons"] == [
        {
            "lesson_id": "l1",
            "date": "2026-09-07",
            "slot": 1,
            "status": "held",
            "topic": "Дроби",
            "teacher_id": "t1",
            "corrected_after_close": False,
        }
    ]
    (cell,) = written["rows"][0]["cells"]
    assert cell == {
        "lesson_id": "l1",
        "marks": [
            {
                "mark_id": "m1",
                "value": "5",
                "work_kind_id": "test",
                "weight": "2.00",
                "corrected": False,
                "corrected_after_close": False,
            }
        ],
        "absence": None,
        "corrected_after_close": False,
    }
    assert (written["rows"][0]["average"], written["rows"][0]["lates"]) == ("5.00", 1)


def test_a_correction_is_written_with_its_moment_in_iso_8601():
    at = dt.datetime(2026, 10, 1, 9, 30, tzinfo=dt.UTC)
    correction = LessonCorrection(1, "journal.MarkCorrected", "typo", "d1", at, ["m1"], [])

    written = TypeAdapter(LessonCorrection).dump_python(correction, mode="json")

    assert written == {
        "seq": 1,
        "event_type": "journal.MarkCorrected",
        "reason": "typo",
        "actor_id": "d1",
        "recorded_at": "2026-10-01T09:30:00Z",
        "mark_ids": ["m1"],
        "pupil_ids": [],
    }


def test_a_homework_file_is_written_as_the_event_recorded_it():
    homework = Homework("Exercise 5", SEPT_7, [SHEET])

    written = TypeAdapter(Homework).dump_python(homework, mode="json")

    assert written == {
        "text": "Exercise 5",
        "due_on": "2026-09-07",
        "attachments": [SHEET.model_dump(mode="json")],
    }


class Mark(NamedTuple):
    """A mark as `weighted_average` reads it (its value looked up on the scale)."""

    value: str
    weight: Decimal
    counts: bool
    cancelled: bool = False


SCALE = {"5": 5, "4": 4, "3": 3, "2": 2, "н/а": None}
MARKS = st.builds(
    Mark,
    value=st.sampled_from(sorted(SCALE)),
    weight=st.sampled_from([Decimal(1), Decimal("1.5"), Decimal(2), Decimal("0.25")]),
    counts=st.booleans(),
    cancelled=st.booleans(),
)


@given(st.lists(MARKS, max_size=8))
def test_the_recorded_average_is_the_scale_average_of_the_same_marks(marks):
    in_force = [(SCALE[m.value], m.weight, m.counts) for m in marks if not m.cancelled]

    assert recorded_average(in_force) == weighted_average(marks, SCALE)


def test_the_recorded_average_skips_marks_that_do_not_count_or_have_no_number():
    marks = [
        (5, Decimal(2), True),
        (4, Decimal(1), True),
        (2, Decimal(3), False),
        (None, Decimal(5), True),
    ]

    assert recorded_average(marks) == Decimal("4.67")
    assert recorded_average([(None, Decimal(1), True), (3, Decimal(1), False)]) is None
