"""The lesson's fold takes an event seen again (redelivered or replayed) as every reader of the
journal does, by the kernel's rules: it changes nothing. The decider still refuses a mark id
used twice when a command is decided, and it decides against the first recording."""

from __future__ import annotations

import datetime as dt

import pytest

from contracts.journal import (
    AbsenceEntry,
    AttendanceTaken,
    HomeworkAttachmentAdded,
    LessonEntriesSaved,
    MarkCancelled,
    MarkCorrected,
    TopicSet,
)
from services.journal.domain import commands as c
from services.journal.domain import lesson, lesson_decider
from services.journal.domain.errors import AlreadyExists, MarkAlreadyCancelled
from tests.support.journal_givens import (
    ATTACHMENT,
    CLASS,
    SCHEDULED,
    SCHOOL,
    TEACHER,
    TODAY,
    new_mark,
    recorded,
)
from tests.support.journal_givens import lesson_after as given


def when(cmd, *history):
    state = given(SCHEDULED, *history)
    return lesson_decider.decide(cmd, state, actor=TEACHER, today=TODAY, school=SCHOOL, klass=CLASS)


# ---------------------------------------------------------------- marks


def test_a_mark_id_recorded_again_keeps_its_first_recording():
    first, again = recorded("m1", value="5"), recorded("m1", "p02", "2", "test", 2)
    assert given(SCHEDULED, first, again) == given(SCHEDULED, first)


def test_a_correction_is_decided_against_the_first_recording():
    # Were the last recording to win, this correction would change nothing and be refused.
    (event,) = when(
        c.CorrectMark("m1", "4", "classwork", "ошибка"), recorded(), recorded(value="4")
    )
    assert isinstance(event, MarkCorrected)
    assert event.value == "4"


def test_a_recording_seen_again_does_not_revive_a_cancelled_mark():
    history = (recorded(), MarkCancelled(mark_id="m1", reason="ошибка"), recorded())
    assert given(SCHEDULED, *history).marks["m1"].cancelled
    with pytest.raises(MarkAlreadyCancelled):
        when(c.CancelMark("m1", "снова"), *history)


def test_a_mark_id_seen_twice_on_the_stream_is_still_refused_at_write_time():
    with pytest.raises(AlreadyExists, match="'m1'"):
        when(c.RecordMark(new_mark("m1", "p02", "3")), recorded(), recorded())


def test_a_save_seen_again_changes_nothing_not_even_after_a_correction():
    (saved,) = when(c.SaveLessonEntries(topic="Дроби", marks=(new_mark("m1"), new_mark("m2"))))
    corrected = MarkCorrected(
        mark_id="m1", value="4", work_kind_id="classwork", weight=1, reason="ошибка"
    )
    assert given(SCHEDULED, saved, saved) == given(SCHEDULED, saved)
    assert given(SCHEDULED, saved, corrected, saved) == given(SCHEDULED, saved, corrected)


def test_a_save_listing_a_mark_id_twice_keeps_the_first():
    first, second = recorded("m1", value="5").mark, recorded("m1", value="2").mark
    state = given(SCHEDULED, LessonEntriesSaved(marks=(first, second)))
    assert state.marks["m1"].value == "5"


# ---------------------------------------------------------------- homework and attendance


def test_an_attachment_seen_again_is_listed_once():
    added = HomeworkAttachmentAdded(attachment=ATTACHMENT)
    assert given(SCHEDULED, added, added).homework == lesson.Homework(attachments=(ATTACHMENT,))


def test_minutes_late_are_kept_only_for_a_lateness():
    observed = AttendanceTaken(
        absences=(
            AbsenceEntry(pupil_id="p01", kind="absent", minutes_late=5),
            AbsenceEntry(pupil_id="p02", kind="late", minutes_late=5),
        )
    )
    assert given(SCHEDULED, observed).absences == {
        "p01": lesson.AbsenceState("absent"),
        "p02": lesson.AbsenceState("late", minutes_late=5),
    }


# ---------------------------------------------------------------- scheduling


def test_a_lesson_scheduled_again_stays_as_first_scheduled():
    again = SCHEDULED.model_copy(update={"date": dt.date(2026, 9, 8), "teacher_id": "t-other"})
    assert given(SCHEDULED, again) == given(SCHEDULED)


def test_events_before_the_scheduling_change_nothing():
    assert given(TopicSet(topic="Дроби"), recorded(), SCHEDULED) == given(SCHEDULED)
