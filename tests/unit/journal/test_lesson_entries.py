"""What the teacher enters about pupils at a lesson: marks, attendance, absence reasons,
and the whole-page save that carries them as one event."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from contracts.envelope import Actor
from contracts.journal import (
    AbsenceEntry,
    AbsenceReasonSet,
    AttendanceTaken,
    HomeworkSet,
    LessonCancelled,
    LessonEntriesSaved,
    LessonHeld,
    MarkCancelled,
    MarkCorrected,
    MarkRecorded,
    TopicSet,
)
from kernel.letters import journal_letter
from services.journal.domain import commands as c
from services.journal.domain import lesson, lesson_decider
from services.journal.domain.errors import (
    AlreadyExists,
    DuplicatePupil,
    InvalidAttendance,
    LessonIsCancelled,
    MarkAlreadyCancelled,
    MarkNotFound,
    MarkNotOnScale,
    NothingToChange,
    NotLessonTeacher,
    PupilNotAbsent,
    PupilNotInClass,
    ReasonRequired,
    UnknownWorkKind,
)
from tests.support.journal_givens import (
    CLASS_ROLL,
    CLASS_TEACHER,
    OTHER_TEACHER,
    SCHEDULED,
    SCHOOL_YEAR,
    TEACHER,
    TODAY,
    class_after,
    new_mark,
    recorded,
    school_after,
)
from tests.support.journal_givens import lesson_after as given

# Entering about pupils needs neither the subject defined nor the teaching assigned.
SCHOOL = school_after(*SCHOOL_YEAR)
CLASS = class_after(*CLASS_ROLL)


def when(cmd, *history, actor=TEACHER, today=TODAY):
    state = given(SCHEDULED, *history)
    return lesson_decider.decide(cmd, state, actor=actor, today=today, school=SCHOOL, klass=CLASS)


def absent(pupil, kind="absent", minutes=None):
    return AbsenceEntry(pupil_id=pupil, kind=kind, minutes_late=minutes)


def taken(*absences):
    return AttendanceTaken(absences=absences)


# ---------------------------------------------------------------- recording marks


def test_a_mark_takes_the_weight_of_its_kind_of_work():
    (event,) = when(c.RecordMark(new_mark(value="4", kind="test")))
    assert event == recorded(value="4", kind="test", weight=2)
    mark = given(SCHEDULED, event).marks["m1"]
    assert (mark.pupil_id, mark.value, mark.weight, mark.cancelled) == ("p01", "4", 2, False)


def test_a_mark_outside_the_scale_is_refused():
    expected = r"mark '6' is not on the school's scale \(1, 2, 3, 4, 5, н/а, осв\)"
    with pytest.raises(MarkNotOnScale, match=expected):
        when(c.RecordMark(new_mark(value="6")))


def test_a_mark_of_an_unconfigured_kind_of_work_is_refused():
    with pytest.raises(UnknownWorkKind, match="'essay'"):
        when(c.RecordMark(new_mark(kind="essay")))


@pytest.mark.parametrize("pupil", ["p99", "p03", "nobody"], ids=["joins later", "left", "never"])
def test_a_mark_for_a_pupil_not_in_the_class_that_day_is_refused(pupil):
    with pytest.raises(PupilNotInClass, match=f"'{pupil}'.*2026-09-07"):
        when(c.RecordMark(new_mark(pupil=pupil)))


def test_a_mark_id_is_used_once_per_lesson():
    with pytest.raises(AlreadyExists, match="'m1'"):
        when(c.RecordMark(new_mark(pupil="p02")), recorded())


def test_a_pupil_may_get_several_marks_at_one_lesson():
    (event,) = when(c.RecordMark(new_mark("m2", value="3", kind="oral")), recorded())
    assert {m.pupil_id for m in given(SCHEDULED, recorded(), event).marks.values()} == {"p01"}


def test_not_assessed_and_exempt_are_marks_of_the_scale():
    assert when(c.RecordMark(new_mark(value="н/а")))
    assert when(c.RecordMark(new_mark(value="осв")))


# ---------------------------------------------------------------- correcting and cancelling marks


def test_a_correction_replaces_the_value_and_keeps_the_reason():
    cmd = c.CorrectMark("m1", "4", "test", "ошибка ввода", comment="переписал")
    (event,) = when(cmd, recorded())
    assert event == MarkCorrected(
        mark_id="m1",
        value="4",
        work_kind_id="test",
        weight=Decimal(2),
        comment="переписал",
        reason="ошибка ввода",
    )
    mark = given(SCHEDULED, recorded(), event).marks["m1"]
    assert (mark.value, mark.weight, mark.corrected, mark.reason) == ("4", 2, True, "ошибка ввода")


def _commented(comment: str, *, counts: bool = True) -> MarkRecorded:
    """A recorded mark with a comment (and whether it counts)."""
    event = recorded()
    return MarkRecorded(mark=event.mark.model_copy(update={"comment": comment, "counts": counts}))


def test_a_correction_that_does_not_send_the_comment_or_counts_keeps_them():
    (event,) = when(
        c.CorrectMark("m1", "4", "classwork", "ошибка"), _commented("устно", counts=False)
    )
    assert isinstance(event, MarkCorrected)
    assert (event.value, event.comment, event.counts) == ("4", "устно", False)


def test_a_correction_removes_the_comment_only_when_told_to():
    (event,) = when(c.CorrectMark("m1", "5", "classwork", "лишнее", comment=None), _commented("x"))
    assert isinstance(event, MarkCorrected)
    assert (event.value, event.comment, event.counts) == ("5", None, True)


def test_a_correction_that_keeps_everything_changes_nothing():
    with pytest.raises(NothingToChange):
        when(c.CorrectMark("m1", "5", "classwork", "ошибка"), _commented("устно"))


@pytest.mark.parametrize(
    ("cmd", "error"),
    [
        (c.CorrectMark("m9", "4", "classwork", "ошибка"), MarkNotFound),
        (c.CorrectMark("m1", "5", "classwork", "ошибка"), NothingToChange),
        (c.CorrectMark("m1", "4", "classwork", "   "), ReasonRequired),
        (c.CorrectMark("m1", "7", "classwork", "ошибка"), MarkNotOnScale),
        (c.CorrectMark("m1", "4", "essay", "ошибка"), UnknownWorkKind),
        (c.CancelMark("m9", "ошибка"), MarkNotFound),
        (c.CancelMark("m1", ""), ReasonRequired),
    ],
)
def test_corrections_and_cancellations_are_checked(cmd, error):
    with pytest.raises(error):
        when(cmd, recorded())


def test_a_cancelled_mark_stays_but_no_longer_counts():
    (event,) = when(c.CancelMark("m1", "не тот ученик"), recorded())
    assert event == MarkCancelled(mark_id="m1", reason="не тот ученик")
    mark = given(SCHEDULED, recorded(), event).marks["m1"]
    assert (mark.cancelled, mark.reason, mark.value) == (True, "не тот ученик", "5")


@pytest.mark.parametrize(
    "cmd", [c.CancelMark("m1", "снова"), c.CorrectMark("m1", "4", "classwork", "ошибка")]
)
def test_a_cancelled_mark_is_neither_cancelled_again_nor_corrected(cmd):
    with pytest.raises(MarkAlreadyCancelled):
        when(cmd, recorded(), MarkCancelled(mark_id="m1", reason="ошибка"))


# ---------------------------------------------------------------- attendance


def test_attendance_lists_the_absent_and_the_late():
    cmd = c.TakeAttendance((absent("p01"), absent("p02", "late", 10)))
    (event,) = when(cmd)
    assert event == taken(absent("p01"), absent("p02", "late", 10))
    state = given(SCHEDULED, event)
    assert state.attendance_taken
    assert state.absences == {
        "p01": lesson.AbsenceState("absent"),
        "p02": lesson.AbsenceState("late", minutes_late=10),
    }


@pytest.mark.parametrize(
    ("absences", "error", "pupil"),
    [
        ((absent("p01"), absent("p01", "late")), DuplicatePupil, "p01"),
        ((absent("p99"),), PupilNotInClass, "p99"),
        ((absent("p01", "absent", 5),), InvalidAttendance, "p01"),
    ],
    ids=["twice", "not in class", "absent yet late"],
)
def test_attendance_is_checked(absences, error, pupil):
    with pytest.raises(error, match=f"'{pupil}'"):
        when(c.TakeAttendance(absences))


def test_taking_attendance_again_keeps_the_reasons_already_given():
    reason = AbsenceReasonSet(pupil_id="p01", reason="illness", evidence="справка")
    history = (taken(absent("p01"), absent("p02")), reason, taken(absent("p01")))
    state = given(SCHEDULED, *history)
    assert state.absences == {"p01": lesson.AbsenceState("absent", None, "illness", "справка")}


def test_the_lessons_teacher_gives_an_absence_reason():
    (event,) = when(c.SetAbsenceReason("p01", "valid", "заявление"), taken(absent("p01")))
    assert event == AbsenceReasonSet(pupil_id="p01", reason="valid", evidence="заявление")
    assert given(SCHEDULED, taken(absent("p01")), event).absences["p01"].reason == "valid"


def test_the_class_teacher_gives_an_absence_reason_too():
    history = (taken(absent("p01")),)
    assert when(c.SetAbsenceReason("p01", "illness"), *history, actor=CLASS_TEACHER)


@pytest.mark.parametrize("actor", [OTHER_TEACHER, Actor(id="t-rus", role="deputy")])
def test_others_give_no_absence_reasons(actor):
    with pytest.raises(NotLessonTeacher, match="class teacher 't-rus'"):
        when(c.SetAbsenceReason("p01", "illness"), taken(absent("p01")), actor=actor)


def test_a_reason_needs_an_absence():
    with pytest.raises(PupilNotAbsent, match="'p02'"):
        when(c.SetAbsenceReason("p02", "illness"), taken(absent("p01")))


def test_giving_the_same_reason_again_changes_nothing():
    history = (taken(absent("p01")), AbsenceReasonSet(pupil_id="p01", reason="illness"))
    with pytest.raises(NothingToChange):
        when(c.SetAbsenceReason("p01", "illness"), *history)


def test_no_reasons_on_a_cancelled_lesson():
    history = (taken(absent("p01")), LessonCancelled(reason="карантин"))
    with pytest.raises(LessonIsCancelled):
        when(c.SetAbsenceReason("p01", "illness"), *history)


@pytest.mark.parametrize(
    ("kind", "reason", "letter"),
    [
        ("absent", "unknown", "Н"),
        ("absent", "illness", "Б"),
        ("absent", "valid", "У"),
        ("absent", "unexcused", "П"),
        ("late", "unknown", "ОП"),
        ("late", "illness", "ОП"),
    ],
)
def test_the_journal_shows_the_schools_letters(kind, reason, letter):
    assert journal_letter(kind, reason) == letter


# ---------------------------------------------------------------- the whole-page save


FULL_SAVE = c.SaveLessonEntries(
    topic="Дроби",
    homework=c.SetHomework("№ 12", dt.date(2026, 9, 9)),
    marks=(new_mark("m1"), new_mark("m2", "p02", "3", "test")),
    attendance=(absent("p01", "late", 5),),
)


def test_a_save_yields_one_event_that_folds_like_the_single_events():
    (event,) = when(FULL_SAVE)
    assert isinstance(event, LessonEntriesSaved)
    singles = (
        LessonHeld(),
        TopicSet(topic="Дроби"),
        HomeworkSet(text="№ 12", due_on=dt.date(2026, 9, 9)),
        recorded("m1"),
        recorded("m2", "p02", "3", "test", 2),
        taken(absent("p01", "late", 5)),
    )
    assert given(SCHEDULED, event) == given(SCHEDULED, *singles)


@pytest.mark.parametrize(
    ("save", "error"),
    [
        (c.SaveLessonEntries(marks=(new_mark("m1"), new_mark("m1", "p02"))), AlreadyExists),
        (c.SaveLessonEntries(marks=(new_mark(value="6"),)), MarkNotOnScale),
        (c.SaveLessonEntries(marks=(new_mark(pupil="p99"),)), PupilNotInClass),
        (c.SaveLessonEntries(attendance=(absent("p01"), absent("p01"))), DuplicatePupil),
        (c.SaveLessonEntries(held=False), NothingToChange),
    ],
    ids=["mark id twice", "off the scale", "not in class", "pupil twice", "empty"],
)
def test_a_save_is_checked_as_its_parts_would_be(save, error):
    with pytest.raises(error):
        when(save)


def test_a_save_by_another_teacher_is_refused():
    with pytest.raises(NotLessonTeacher):
        when(FULL_SAVE, actor=OTHER_TEACHER)


def test_a_save_without_attendance_leaves_the_attendance_alone():
    (event,) = when(c.SaveLessonEntries(topic="Дроби"), taken(absent("p01")))
    state = given(SCHEDULED, taken(absent("p01")), event)
    assert state.absences == {"p01": lesson.AbsenceState("absent")}
    assert state.status == "held"
