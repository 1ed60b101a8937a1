"""The lesson aggregate: scheduling, who may enter what and when, substitution, cancelling,
topic and homework. Marks, attendance and the whole-page save are in test_lesson_entries.py."""

from __future__ import annotations

import datetime as dt

import pytest

from contracts.envelope import Actor
from contracts.journal import (
    ClassOpened,
    HomeworkAttachmentAdded,
    HomeworkSet,
    LessonCancelled,
    LessonHeld,
    TeacherSubstituted,
    TopicSet,
)
from services.journal.domain import commands as c
from services.journal.domain import klass, lesson, lesson_decider
from services.journal.domain.errors import (
    AlreadyExists,
    ClassNotFound,
    DateOutsideSchoolYear,
    LessonAlreadyHeld,
    LessonInFuture,
    LessonIsCancelled,
    LessonNotFound,
    NothingToChange,
    NotLessonTeacher,
    RoleNotAllowed,
    TeacherNotAssigned,
    UnknownSubject,
)
from tests.support.journal_givens import (
    ADMIN,
    ATTACHMENT,
    CLASS,
    DEPUTY,
    END,
    MONDAY,
    OTHER_TEACHER,
    SCHEDULED,
    SCHOOL,
    TEACHER,
    TODAY,
    new_mark,
    recorded,
)
from tests.support.journal_givens import lesson_after as given

HELD, CANCELLED = LessonHeld(), LessonCancelled(reason="карантин")


def when(cmd, *history, actor=TEACHER, today=TODAY, class_state=CLASS):
    state = given(*history)
    return lesson_decider.decide(
        cmd, state, actor=actor, today=today, school=SCHOOL, klass=class_state
    )


SCHEDULE = c.ScheduleLesson("5a-20260907-1", "5a", "math", MONDAY, 1, "t-math")
ENTRY_COMMANDS = [
    c.MarkLessonHeld(),
    c.SetTopic("Дроби"),
    c.SetHomework("№ 12"),
    c.AddHomeworkAttachment(ATTACHMENT),
    c.RecordMark(new_mark()),
    c.CorrectMark("m1", "4", "classwork", "ошибка"),
    c.CancelMark("m1", "ошибка"),
    c.TakeAttendance(()),
    c.SaveLessonEntries(topic="Дроби"),
]
ALL_BUT_SCHEDULE = [
    *ENTRY_COMMANDS,
    c.SubstituteTeacher("t-other", "болезнь"),
    c.CancelLesson("карантин"),
    c.SetAbsenceReason("p01", "illness"),
]


# ---------------------------------------------------------------- scheduling


def test_scheduling_a_lesson_of_an_assigned_teacher():
    assert when(SCHEDULE, actor=ADMIN) == [SCHEDULED]
    state = given(SCHEDULED)
    assert state.scheduled
    assert state.status == "scheduled"
    assert state.timetabled_teacher_id == state.teacher_of_record_id == "t-math"


def test_a_lesson_is_scheduled_only_once():
    with pytest.raises(AlreadyExists):
        when(SCHEDULE, SCHEDULED, actor=ADMIN)


def test_only_the_administration_schedules_lessons():
    with pytest.raises(RoleNotAllowed):
        when(SCHEDULE, actor=TEACHER)


@pytest.mark.parametrize(
    ("cmd", "class_state", "error"),
    [
        (SCHEDULE, klass.INITIAL, ClassNotFound),
        (c.ScheduleLesson("x", "5a", "chess", MONDAY, 1, "t-math"), CLASS, UnknownSubject),
        (
            c.ScheduleLesson("x", "5a", "math", END + dt.timedelta(1), 1, "t-math"),
            CLASS,
            DateOutsideSchoolYear,
        ),
        (c.ScheduleLesson("x", "5a", "math", MONDAY, 1, "t-other"), CLASS, TeacherNotAssigned),
        (c.ScheduleLesson("x", "5a", "math", MONDAY, 1, "t-math", "a"), CLASS, TeacherNotAssigned),
    ],
    ids=["class not opened", "unknown subject", "outside the year", "other teacher", "group"],
)
def test_scheduling_checks_the_class_subject_date_and_teacher(cmd, class_state, error):
    with pytest.raises(error):
        when(cmd, actor=ADMIN, class_state=class_state)


@pytest.mark.parametrize("cmd", ALL_BUT_SCHEDULE, ids=lambda cmd: type(cmd).__name__)
def test_commands_on_an_unscheduled_lesson_find_no_lesson(cmd):
    with pytest.raises(LessonNotFound):
        when(cmd, actor=TEACHER)


# ---------------------------------------------------------------- who may enter what


@pytest.mark.parametrize("cmd", ENTRY_COMMANDS, ids=lambda cmd: type(cmd).__name__)
@pytest.mark.parametrize("actor", [OTHER_TEACHER, ADMIN, DEPUTY, Actor(id="t-math", role="head")])
def test_only_the_teacher_of_record_enters_lesson_content(cmd, actor):
    with pytest.raises(NotLessonTeacher, match="teacher of record 't-math'"):
        when(cmd, SCHEDULED, recorded(), actor=actor)


@pytest.mark.parametrize("cmd", ENTRY_COMMANDS, ids=lambda cmd: type(cmd).__name__)
def test_nothing_is_entered_on_a_cancelled_lesson(cmd):
    with pytest.raises(LessonIsCancelled, match="карантин"):
        when(cmd, SCHEDULED, recorded(), CANCELLED)


@pytest.mark.parametrize(
    "cmd",
    [
        c.MarkLessonHeld(),
        c.RecordMark(new_mark()),
        c.TakeAttendance(()),
        c.SaveLessonEntries(),
        c.SaveLessonEntries(held=False, marks=(new_mark(),)),
        c.SaveLessonEntries(held=False, attendance=()),
    ],
    ids=["held", "mark", "attendance", "save held", "save marks", "save attendance"],
)
def test_what_happened_at_the_lesson_waits_for_its_day(cmd):
    with pytest.raises(LessonInFuture, match="2026-09-07"):
        when(cmd, SCHEDULED, today=MONDAY - dt.timedelta(days=1))


@pytest.mark.parametrize(
    "cmd",
    [
        c.SetTopic("Дроби"),
        c.SetHomework("№ 12", MONDAY),
        c.AddHomeworkAttachment(ATTACHMENT),
        c.SaveLessonEntries(held=False, topic="Дроби", homework=c.SetHomework("№ 12")),
    ],
    ids=["topic", "homework", "attachment", "save of plans"],
)
def test_topic_and_homework_may_be_entered_in_advance(cmd):
    assert len(when(cmd, SCHEDULED, today=MONDAY - dt.timedelta(days=7))) == 1


def test_the_lesson_may_be_marked_held_on_its_day():
    assert when(c.MarkLessonHeld(), SCHEDULED, today=MONDAY) == [HELD]
    assert given(SCHEDULED, HELD).status == "held"


def test_marking_a_held_lesson_held_again_changes_nothing():
    with pytest.raises(NothingToChange):
        when(c.MarkLessonHeld(), SCHEDULED, HELD)


# ---------------------------------------------------------------- substitution


@pytest.mark.parametrize("actor", [ADMIN, DEPUTY])
def test_a_substitute_becomes_the_teacher_of_record(actor):
    (event,) = when(c.SubstituteTeacher("t-other", "болезнь"), SCHEDULED, actor=actor)
    assert event == TeacherSubstituted(substitute_id="t-other", reason="болезнь")
    state = given(SCHEDULED, event)
    assert state.teacher_of_record_id == "t-other"
    assert state.timetabled_teacher_id == "t-math"
    assert when(c.RecordMark(new_mark()), SCHEDULED, event, actor=OTHER_TEACHER)
    with pytest.raises(NotLessonTeacher, match="'t-other'"):
        when(c.RecordMark(new_mark()), SCHEDULED, event, actor=TEACHER)


@pytest.mark.parametrize("role", ["teacher", "head", "system", "auditor"])
def test_only_the_administrator_or_deputy_substitutes(role):
    with pytest.raises(RoleNotAllowed):
        when(c.SubstituteTeacher("t-other", "болезнь"), SCHEDULED, actor=Actor(id="x", role=role))


def test_substituting_the_teacher_of_record_changes_nothing():
    with pytest.raises(NothingToChange):
        when(c.SubstituteTeacher("t-math", "болезнь"), SCHEDULED, actor=DEPUTY)


def test_a_cancelled_lesson_gets_no_substitute():
    with pytest.raises(LessonIsCancelled):
        when(c.SubstituteTeacher("t-other", "болезнь"), SCHEDULED, CANCELLED, actor=DEPUTY)


# ---------------------------------------------------------------- cancelling


@pytest.mark.parametrize("actor", [TEACHER, ADMIN, DEPUTY])
def test_the_teacher_of_record_or_the_administration_cancels_a_lesson(actor):
    assert when(c.CancelLesson("карантин"), SCHEDULED, actor=actor) == [CANCELLED]
    state = given(SCHEDULED, CANCELLED)
    assert (state.status, state.cancel_reason) == ("cancelled", "карантин")


def test_another_teacher_cannot_cancel_the_lesson():
    with pytest.raises(NotLessonTeacher):
        when(c.CancelLesson("карантин"), SCHEDULED, actor=OTHER_TEACHER)


def test_the_head_cannot_cancel_a_lesson():
    with pytest.raises(RoleNotAllowed):
        when(c.CancelLesson("карантин"), SCHEDULED, actor=Actor(id="h", role="head"))


def test_a_held_lesson_cannot_be_cancelled():
    with pytest.raises(LessonAlreadyHeld):
        when(c.CancelLesson("ошибка"), SCHEDULED, HELD)


def test_cancelling_twice_changes_nothing():
    with pytest.raises(NothingToChange):
        when(c.CancelLesson("карантин"), SCHEDULED, CANCELLED)


# ---------------------------------------------------------------- topic and homework


def test_topic_and_homework_with_its_files():
    topic = when(c.SetTopic("Дроби"), SCHEDULED)
    assert topic == [TopicSet(topic="Дроби")]
    homework = when(c.SetHomework("№ 12", dt.date(2026, 9, 9)), SCHEDULED)
    assert homework == [HomeworkSet(text="№ 12", due_on=dt.date(2026, 9, 9))]
    (file,) = when(c.AddHomeworkAttachment(ATTACHMENT), SCHEDULED)
    assert file == HomeworkAttachmentAdded(attachment=ATTACHMENT)
    state = given(SCHEDULED, *topic, file, *homework)
    assert state.topic == "Дроби"
    assert state.homework == lesson.Homework("№ 12", dt.date(2026, 9, 9), (ATTACHMENT,))


def test_the_same_file_is_attached_once():
    with pytest.raises(AlreadyExists, match="'f1'"):
        when(
            c.AddHomeworkAttachment(ATTACHMENT),
            SCHEDULED,
            HomeworkAttachmentAdded(attachment=ATTACHMENT),
        )


def test_the_lesson_ignores_events_of_other_aggregates():
    state = given(SCHEDULED)
    assert (
        lesson.evolve(state, ClassOpened(class_id="5b", grade=5, label="5Б", class_teacher_id="t"))
        is state
    )


def test_an_unknown_lesson_command_fails_loudly():
    with pytest.raises(TypeError):
        when(object(), SCHEDULED)
