"""The journal as the audit rebuilds it: what a replay of the JOURNAL stream up to a moment gives.

Only what the grid, a lesson's detail and a pupil's diary need, with the journal view's meaning
(see `services.journal.domain.projection`, which the audit may not import): marks are never
removed, only corrected or cancelled; absences keep who observed them apart from the reason.

Values are `NamedTuple`s, as in the journal's own fold: immutable, typed and cheap to build and
`_replace`, which matters when a class's whole term is folded for every request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Literal, NamedTuple

from contracts.base import Event
from contracts.journal import AbsenceKind, AbsenceReason, Attachment

LessonStatus = Literal["scheduled", "held", "cancelled"]


class Recorded(NamedTuple):
    """One journal event as the log holds it: where and when it was recorded, and by whom.

    `recorded_at` is when JetStream stored the message, not the domain time the envelope
    claims: "as it stood at a moment" means as recorded by then.
    """

    seq: int
    recorded_at: dt.datetime
    aggregate_id: str
    actor_id: str
    event: Event


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


class ClassState(NamedTuple):
    """A class of the school year with its pupils over time."""

    class_id: str
    label: str
    class_teacher_id: str
    memberships: frozenset[Membership] = frozenset()


class MarkState(NamedTuple):
    """A mark with its current value; a correction or a cancellation is flagged, never lost.

    `numeric` is the number of the value on the school's scale when it was recorded (or
    corrected), as the journal keeps it.
    """

    mark_id: str
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


class AbsenceState(NamedTuple):
    """A pupil's absence or lateness at a lesson: the observation and, apart, its reason."""

    pupil_id: str
    kind: AbsenceKind
    minutes_late: int | None
    reason: AbsenceReason
    evidence: str | None
    letter: str
    observed_by: str
    reason_set_by: str | None = None


class Correction(NamedTuple):
    """A lesson edit made as a correction after its period (or school year) was closed: the
    event carried a `correction_reason`. The marks and pupils (attendance) it changed are
    flagged wherever they are shown."""

    seq: int
    event_type: str
    reason: str
    actor_id: str
    recorded_at: dt.datetime
    mark_ids: tuple[str, ...]
    pupil_ids: tuple[str, ...]


class LessonState(NamedTuple):
    """A lesson with everything entered for it, marks by mark id and absences by pupil id."""

    lesson_id: str
    class_id: str
    subject_id: str
    date: dt.date
    slot: int
    group: str | None
    timetabled_teacher_id: str
    teacher_id: str
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
    marks: Mapping[str, MarkState] = MappingProxyType({})
    absences: Mapping[str, AbsenceState] = MappingProxyType({})
    corrections: tuple[Correction, ...] = ()


@dataclass(frozen=True, slots=True)
class JournalState:
    """One school year of one school, as recorded up to the last event folded.

    `last_seq` is the stream sequence of that event (0 before any): a fold skips what it has
    seen, so folding the same events twice changes nothing. Start from `JournalState(school,
    year)`.
    """

    school: str
    year: int
    scale: Mapping[str, int | None] = field(default_factory=dict)
    subjects: Mapping[str, str] = field(default_factory=dict)
    staff: Mapping[str, str] = field(default_factory=dict)
    pupils: Mapping[str, str] = field(default_factory=dict)
    classes: Mapping[str, ClassState] = field(default_factory=dict)
    lessons: Mapping[str, LessonState] = field(default_factory=dict)
    last_seq: int = 0
