"""The kernel's one rule for a mark id seen twice: the first recording stands."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from contracts.base import Event
from contracts.journal import (
    LessonEntriesSaved,
    LessonScheduled,
    MarkCorrected,
    MarkEntry,
    MarkRecorded,
)
from kernel import Fact, MarkRow, ViewState, project

T0 = dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.UTC)
LESSON = ("s1", 2026, "l1")
SCHEDULED = LessonScheduled(
    lesson_id="l1",
    class_id="5a",
    subject_id="math",
    date=dt.date(2026, 9, 1),
    slot=1,
    teacher_id="t1",
)


def mark(value: str, pupil_id: str = "p1") -> MarkEntry:
    return MarkEntry(
        mark_id="m1", pupil_id=pupil_id, value=value, work_kind_id="oral", weight=Decimal(1)
    )


def folded(*events: Event) -> dict[str, MarkRow]:
    """The lesson's marks after its scheduling and `events` (sequences 1, 2, ...)."""
    facts = [
        Fact(seq, "s1", 2026, "l1", f"t{seq}", T0 + dt.timedelta(minutes=seq), event)
        for seq, event in enumerate((SCHEDULED, *events), 1)
    ]
    return dict(project(ViewState(), facts).lessons[LESSON].marks)


def test_a_mark_id_recorded_again_keeps_its_first_recording():
    marks = folded(MarkRecorded(mark=mark("5")), MarkRecorded(mark=mark("2", "p2")))
    assert (marks["m1"].value, marks["m1"].pupil_id, marks["m1"].recorded_by) == ("5", "p1", "t2")


def test_a_save_listing_a_known_mark_id_keeps_the_first_recording():
    marks = folded(MarkRecorded(mark=mark("5")), LessonEntriesSaved(marks=(mark("3"),)))
    assert marks["m1"].value == "5"


def test_a_mark_id_listed_twice_in_one_save_keeps_the_first():
    marks = folded(LessonEntriesSaved(marks=(mark("4"), mark("2", "p2"))))
    assert (marks["m1"].value, marks["m1"].pupil_id) == ("4", "p1")


def test_a_mark_recorded_again_after_a_correction_stays_corrected():
    correction = MarkCorrected(
        mark_id="m1", value="4", work_kind_id="oral", weight=Decimal(1), reason="опечатка"
    )
    marks = folded(MarkRecorded(mark=mark("5")), correction, MarkRecorded(mark=mark("5")))
    assert (marks["m1"].value, marks["m1"].corrected) == ("4", True)
