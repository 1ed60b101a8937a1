"""The class's aggregate: the class of a school year, its class teacher, members, teaching
assignments and weekly timetable."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field

from contracts.base import ClassId, Contract, Event, PupilId, StaffId, SubjectId, Token
from contracts.journal.fields import Slot
from contracts.text import Text, TextRules

ClassLabel = Annotated[str, TextRules(max_length=8, min_length=1, words=False)]
Weekday = Annotated[int, Field(ge=1, le=7)]


class ClassOpened(Event):
    """A class for the school year with its class teacher."""

    event_type = "journal.ClassOpened"
    class_id: ClassId
    grade: int = Field(ge=1, le=11)
    label: ClassLabel
    class_teacher_id: StaffId


class ClassTeacherAssigned(Event):
    """The class teacher changes."""

    event_type = "journal.ClassTeacherAssigned"
    class_teacher_id: StaffId


class PupilJoinedClass(Event):
    """A pupil belongs to the class from a date on."""

    event_type = "journal.PupilJoinedClass"
    pupil_id: PupilId
    since: dt.date


class PupilLeftClass(Event):
    """A pupil no longer belongs to the class after a date (the date is their last day)."""

    event_type = "journal.PupilLeftClass"
    pupil_id: PupilId
    last_day: dt.date
    reason: Text


class TeachingAssigned(Event):
    """A teacher teaches a subject to the class (or one of its groups)."""

    event_type = "journal.TeachingAssigned"
    teacher_id: StaffId
    subject_id: SubjectId
    group: Token | None = None


class TeachingUnassigned(Event):
    """A teaching assignment ends."""

    event_type = "journal.TeachingUnassigned"
    teacher_id: StaffId
    subject_id: SubjectId
    group: Token | None = None


class TimetableSlot(Contract):
    """One weekly slot of the class's timetable."""

    weekday: Weekday
    slot: Slot
    subject_id: SubjectId
    teacher_id: StaffId
    group: Token | None = None


class TimetableSet(Event):
    """The class's weekly timetable from a date on (replaces the previous one from then)."""

    event_type = "journal.TimetableSet"
    effective_from: dt.date
    slots: tuple[TimetableSlot, ...]


class TimetableDrafted(Event):
    """A timetable proposed for the class (the rollover carries the class's timetable of the
    year before into the new year): it takes effect only when the administrator confirms it,
    and a timetable set meanwhile replaces it."""

    event_type = "journal.TimetableDrafted"
    effective_from: dt.date
    slots: tuple[TimetableSlot, ...]
    source: Token  # the class of the year before whose timetable this was


ClassEvent = (
    ClassOpened
    | ClassTeacherAssigned
    | PupilJoinedClass
    | PupilLeftClass
    | TeachingAssigned
    | TeachingUnassigned
    | TimetableSet
    | TimetableDrafted
)
