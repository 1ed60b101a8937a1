"""The kernel's state: rows of the journal (school side), immutable values the folds take and
return; the journal view stores them as they are.

Every row carries the stream sequence of the last event folded into it (`last_seq`), so a
redelivered event is recognised and left alone: folding the same facts twice changes nothing.

Rows are `NamedTuple`s rather than frozen dataclasses: they are just as immutable and typed, but
building and `_replace`-ing them is about four times cheaper, which matters when a rebuild folds
tens of thousands of events a second; and a row is already the tuple of its columns, in the
order of its table (see `services.journal.adapters.journal_tables`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Literal, NamedTuple, TypeAlias

from contracts.base import Event
from contracts.journal import (
    AbsenceKind,
    AbsenceReason,
    Attachment,
    DayOff,
    Period,
    PeriodSchemeSet,
    SubjectAssessmentSet,
    WorkKind,
)

SchoolKey: TypeAlias = tuple[str, int]
"""(school, year)."""
RowKey: TypeAlias = tuple[str, int, str]
"""(school, year, id) of a subject, member of staff, pupil, class or lesson."""
LessonStatus = Literal["scheduled", "held", "cancelled"]


class Fact(NamedTuple):
    """One event with what the view needs from its envelope and stream position."""

    seq: int
    school: str
    year: int
    aggregate_id: str
    actor_id: str
    recorded_at: dt.datetime
    event: Event
    # The envelope's domain time: when the server accepted the command (the monthly check's
    # late entries). None in hand-built facts, which then fall back to `recorded_at`.
    occurred_at: dt.datetime | None = None

    def key(self, aggregate_id: str | None = None) -> RowKey:
        """The row key of this fact's aggregate (or of another id in the same school year)."""
        return (self.school, self.year, aggregate_id or self.aggregate_id)


class SchoolConfigRow(NamedTuple):
    """The school's calendar, periods, mark scale and kinds of work for a year; the periods of
    grades that work in a scheme of their own, the subjects assessed otherwise than on the scale
    in some grades, and the days off (as `kernel.year_plan.plan_of` reads them)."""

    school: str
    year: int
    school_name: str | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    periods: tuple[Period, ...] = ()
    scale_id: str | None = None
    scale: Mapping[str, int | None] = MappingProxyType({})
    work_kinds: tuple[WorkKind, ...] = ()
    last_seq: int = 0
    schemes: tuple[PeriodSchemeSet, ...] = ()  # those still in force for some grade, in order
    assessments: tuple[SubjectAssessmentSet, ...] = ()  # likewise
    days_off: tuple[DayOff, ...] = ()


class SubjectRow(NamedTuple):
    """A subject the school teaches."""

    school: str
    year: int
    subject_id: str
    name: str
    last_seq: int


class StaffRow(NamedTuple):
    """A member of staff."""

    school: str
    year: int
    staff_id: str
    full_name: str
    position: str
    last_seq: int


class PupilRow(NamedTuple):
    """A pupil's record (school side only)."""

    school: str
    year: int
    pupil_id: str
    full_name: str
    birth_date: dt.date | None  # None once the pupil's personal data is erased
    last_seq: int


class Membership(NamedTuple):
    """One interval of a pupil's membership of a class; `last_day` None while it lasts."""

    pupil_id: str
    since: dt.date
    last_day: dt.date | None = None

    def covers(self, day: dt.date) -> bool:
        """Whether the pupil belonged to the class on `day`."""
        return self.since <= day and (self.last_day is None or day <= self.last_day)

    def overlaps(self, date_from: dt.date, date_to: dt.date) -> bool:
        """Whether the interval meets the range (both ends included)."""
        return self.since <= date_to and (self.last_day is None or self.last_day >= date_from)


class Assignment(NamedTuple):
    """A teacher teaches a subject to the class (or one of its groups)."""

    teacher_id: str
    subject_id: str
    grp: str | None = None


class ClassRow(NamedTuple):
    """A class of the school year."""

    school: str
    year: int
    class_id: str
    grade: int
    label: str
    class_teacher_id: str
    last_seq: int


class ClassDoc(NamedTuple):
    """A class with its memberships and teaching assignments (one aggregate, one guard)."""

    row: ClassRow
    memberships: frozenset[Membership] = frozenset()
    assignments: frozenset[Assignment] = frozenset()


class LessonRow(NamedTuple):
    """A lesson as the journal shows it."""

    school: str
    year: int
    lesson_id: str
    class_id: str
    subject_id: str
    date: dt.date
    slot: int
    grp: str | None
    timetabled_teacher_id: str
    teacher_id: str
    last_event_seq: int
    substituted: bool = False
    status: LessonStatus = "scheduled"
    cancel_reason: str | None = None
    topic: str | None = None
    homework_text: str | None = None
    homework_due: dt.date | None = None
    attachments: tuple[Attachment, ...] = ()
    attendance_taken: bool = False
    first_entry_at: dt.datetime | None = None
    last_entry_at: dt.datetime | None = None
    # When the topic and the attendance were first entered and a mark last recorded, by the
    # envelopes' `occurred_at` (migration 0003; the monthly check's late entries).
    topic_entered_at: dt.datetime | None = None
    attendance_entered_at: dt.datetime | None = None
    last_mark_entered_at: dt.datetime | None = None


class MarkRow(NamedTuple):
    """A mark with its current value; corrections and cancellations are flagged, never lost."""

    school: str
    year: int
    mark_id: str
    lesson_id: str
    class_id: str
    subject_id: str
    date: dt.date
    pupil_id: str
    value: str
    numeric: int | None
    work_kind_id: str
    weight: Decimal
    comment: str | None
    counts: bool
    recorded_by: str
    recorded_at: dt.datetime
    cancelled: bool = False
    corrected: bool = False
    last_reason: str | None = None


class AbsenceRow(NamedTuple):
    """A pupil's absence or lateness at a lesson; the reason is kept apart from the observer."""

    school: str
    year: int
    lesson_id: str
    pupil_id: str
    class_id: str
    subject_id: str
    date: dt.date
    kind: AbsenceKind
    minutes_late: int | None
    reason: AbsenceReason
    evidence: str | None
    letter: str
    observed_by: str
    reason_set_by: str | None = None


class LessonDoc(NamedTuple):
    """A lesson with its marks (by mark id) and absences (by pupil id): one aggregate."""

    row: LessonRow
    marks: Mapping[str, MarkRow] = MappingProxyType({})
    absences: Mapping[str, AbsenceRow] = MappingProxyType({})
