"""The fold: journal events, in stream order, into a `JournalState`.

The meaning is the journal view's (`services.journal.domain.projection`), rule for rule, so a
replay up to a moment shows what the journal showed then: events of a class or lesson not
opened or scheduled yet leave nothing; a mark id seen before is not recorded again; a
correction or cancellation of an unknown mark changes nothing; a reason for an absence that
was not observed changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from contracts.base import Event
from contracts.journal import (
    AbsenceReasonSet,
    AttendanceTaken,
    ClassOpened,
    ClassTeacherAssigned,
    HomeworkAttachmentAdded,
    HomeworkSet,
    LessonCancelled,
    LessonEntriesSaved,
    LessonHeld,
    LessonScheduled,
    MarkCancelled,
    MarkCorrected,
    MarkRecorded,
    MarkScaleConfigured,
    PersonErased,
    PupilJoinedClass,
    PupilLeftClass,
    PupilRegistered,
    StaffMemberRegistered,
    SubjectDefined,
    TeacherSubstituted,
    TopicSet,
)
from contracts.personal import ERASED
from services.audit.domain.asof.lesson import evolve_lesson, schedule
from services.audit.domain.asof.state import (
    ClassState,
    JournalState,
    LessonState,
    Membership,
    Recorded,
)

LESSON_EVENTS = (
    LessonScheduled,
    TeacherSubstituted,
    LessonHeld,
    LessonCancelled,
    TopicSet,
    HomeworkSet,
    HomeworkAttachmentAdded,
    MarkRecorded,
    MarkCorrected,
    MarkCancelled,
    AttendanceTaken,
    AbsenceReasonSet,
    LessonEntriesSaved,
)
CLASS_EVENTS = (ClassOpened, ClassTeacherAssigned, PupilJoinedClass, PupilLeftClass)
"""The class events that matter here (teaching assignments and the timetable do not)."""


def fold(state: JournalState, events: Iterable[Recorded]) -> JournalState:
    """Fold events (in stream order) into the state; events already folded are skipped.

    The working copies are local dicts, so a call costs one copy of the state and not one per
    event; the state passed in is never changed.
    """
    work = _Work(state)
    for recorded in events:
        if recorded.seq <= work.last_seq:
            continue
        route = _ROUTE_OF.get(type(recorded.event))
        if route is not None:
            route(work, recorded)
        work.last_seq = recorded.seq
    return work.freeze()


class _Work:
    """Mutable working copies of a `JournalState`, private to one `fold` call."""

    def __init__(self, state: JournalState) -> None:
        self.school, self.year = state.school, state.year
        self.scale = state.scale
        self.subjects = dict(state.subjects)
        self.staff = dict(state.staff)
        self.pupils = dict(state.pupils)
        self.classes = dict(state.classes)
        self.lessons = dict(state.lessons)
        self.last_seq = state.last_seq

    def freeze(self) -> JournalState:
        return JournalState(
            self.school,
            self.year,
            self.scale,
            self.subjects,
            self.staff,
            self.pupils,
            self.classes,
            self.lessons,
            self.last_seq,
        )


def _school(work: _Work, recorded: Recorded) -> None:
    match recorded.event:
        case MarkScaleConfigured(values=values):
            work.scale = {value.value: value.numeric for value in values}
        case SubjectDefined(subject_id=subject_id, name=name):
            work.subjects[subject_id] = name
        case StaffMemberRegistered(staff_id=staff_id, full_name=name):
            work.staff[staff_id] = name
        case PupilRegistered(pupil_id=pupil_id, full_name=name):
            work.pupils[pupil_id] = name
        case PersonErased(kind="pupil", person=pupil_id) if pupil_id in work.pupils:
            work.pupils[pupil_id] = ERASED  # also a name written before sealing, in the clear
        case PersonErased(kind="staff", person=staff_id) if staff_id in work.staff:
            work.staff[staff_id] = ERASED
        case _:
            pass


def _class(work: _Work, recorded: Recorded) -> None:
    class_id, event = recorded.aggregate_id, recorded.event
    klass = work.classes.get(class_id)
    if klass is None:
        if isinstance(event, ClassOpened):
            work.classes[class_id] = ClassState(class_id, event.label, event.class_teacher_id)
        return
    match event:
        case ClassOpened(label=label, class_teacher_id=teacher):
            klass = klass._replace(label=label, class_teacher_id=teacher)
        case ClassTeacherAssigned(class_teacher_id=teacher):
            klass = klass._replace(class_teacher_id=teacher)
        case PupilJoinedClass(pupil_id=pupil_id, since=since):
            klass = _join(klass, Membership(pupil_id, since))
        case PupilLeftClass(pupil_id=pupil_id, last_day=last_day):
            klass = _leave(klass, pupil_id, last_day)
        case _:
            pass
    work.classes[class_id] = klass


def _join(klass: ClassState, joined: Membership) -> ClassState:
    """A new interval, unless one starting that day exists already."""
    if any(m.pupil_id == joined.pupil_id and m.since == joined.since for m in klass.memberships):
        return klass
    return klass._replace(memberships=klass.memberships | {joined})


def _leave(klass: ClassState, pupil_id: str, last_day: dt.date) -> ClassState:
    """Close the pupil's latest interval that started on or before the last day."""
    candidates = [m for m in klass.memberships if m.pupil_id == pupil_id and m.since <= last_day]
    if not candidates:
        return klass
    latest = max(candidates, key=lambda m: m.since)
    closed = latest._replace(last_day=last_day)
    return klass._replace(memberships=(klass.memberships - {latest}) | {closed})


def _lesson(work: _Work, recorded: Recorded) -> None:
    lesson_id = recorded.aggregate_id
    lesson: LessonState | None = work.lessons.get(lesson_id)
    if lesson is None:
        if isinstance(recorded.event, LessonScheduled):
            work.lessons[lesson_id] = schedule(lesson_id, recorded.event)
        return
    work.lessons[lesson_id] = evolve_lesson(lesson, recorded, work.scale)


_SCHOOL_EVENTS = (
    MarkScaleConfigured,
    SubjectDefined,
    StaffMemberRegistered,
    PupilRegistered,
    PersonErased,
)
_ROUTE_OF: dict[type[Event], Callable[[_Work, Recorded], None]] = {
    **dict.fromkeys(_SCHOOL_EVENTS, _school),
    **dict.fromkeys(CLASS_EVENTS, _class),
    **dict.fromkeys(LESSON_EVENTS, _lesson),
}
FOLDED_TYPES: frozenset[str] = frozenset(model.event_type for model in _ROUTE_OF)
"""The `event_type`s the fold reads: others need not even be decoded."""
