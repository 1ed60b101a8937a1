"""What the journal answers about a class-subject page and a lesson: one definition of each
answer, for every reader that gives it.

The journal view builds them from its PostgreSQL rows (`services.journal.adapters.
journal_view_rows`); the audit's as-of view builds them from the kernel's state at a moment
(`services.audit.domain.asof`), adding the moment and the last stream sequence it includes.
Both publish them as response models (FastAPI serialises frozen dataclasses as it does pydantic
models), so the two APIs document the same shapes.

Their parts are `list`s, not tuples or `Sequence`s: pydantic writes a `list` field several
times faster, and a grid is large. A homework file is the event's own
`contracts.journal.Attachment`, as recorded. `JournalPage` and `LessonHeading` are the parts
other answers share: a page's key (the audit's changes of a page) and a lesson's place in the
timetable (the audit's and the diary's lessons of a pupil).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from contracts.journal import AbsenceKind, AbsenceReason, Attachment
from kernel.rows import LessonStatus

# ---------------------------------------------------------------- shared parts


@dataclass(frozen=True, slots=True)
class JournalPage:
    """A page of the journal: a class and a subject over a range of dates (both included)."""

    school: str
    year: int
    class_id: str
    subject_id: str
    date_from: dt.date
    date_to: dt.date


@dataclass(frozen=True, slots=True)
class LessonHeading:
    """Which lesson: its class, day and slot, and its subject with the subject's name."""

    lesson_id: str
    class_id: str
    date: dt.date
    slot: int
    subject_id: str
    subject_name: str | None


# ---------------------------------------------------------------- class grid


@dataclass(frozen=True, slots=True)
class GridLesson:
    """A column of the grid: one lesson of the class and subject."""

    lesson_id: str
    date: dt.date
    slot: int
    status: LessonStatus
    topic: str | None
    teacher_id: str
    corrected_after_close: bool = False  # something of the lesson was corrected after closing


@dataclass(frozen=True, slots=True)
class GridMark:
    """A mark as the grid shows it (cancelled marks are not shown)."""

    mark_id: str
    value: str
    work_kind_id: str
    weight: Decimal
    corrected: bool
    corrected_after_close: bool = False


@dataclass(frozen=True, slots=True)
class GridCell:
    """What a pupil got at one lesson: marks and the absence letter, if any."""

    lesson_id: str
    marks: list[GridMark]
    absence: str | None = None
    corrected_after_close: bool = False  # a mark or the absence changed by a correction


@dataclass(frozen=True, slots=True)
class GridRow:
    """A pupil of the class in the range, with one cell per column and their average."""

    pupil_id: str
    full_name: str | None
    since: dt.date
    last_day: dt.date | None
    cells: list[GridCell]
    average: Decimal | None
    absences: int
    lates: int


@dataclass(frozen=True, slots=True)
class ClassGrid(JournalPage):
    """A class's journal page for one subject over a range of dates."""

    lessons: list[GridLesson]
    rows: list[GridRow]


# ---------------------------------------------------------------- lesson detail


@dataclass(frozen=True, slots=True)
class StaffRef:
    """A member of staff with the name the journal shows (None if not registered)."""

    staff_id: str
    full_name: str | None


@dataclass(frozen=True, slots=True)
class PupilRef:
    """A pupil with their name (None if not registered)."""

    pupil_id: str
    full_name: str | None


@dataclass(frozen=True, slots=True)
class Homework:
    """The homework of a lesson."""

    text: str | None
    due_on: dt.date | None
    attachments: list[Attachment]


@dataclass(frozen=True, slots=True)
class MarkDetail:
    """A mark with everything recorded about it, cancelled or not."""

    mark_id: str
    pupil_id: str
    pupil_name: str | None
    value: str
    numeric: int | None
    work_kind_id: str
    weight: Decimal
    comment: str | None
    counts: bool
    cancelled: bool
    corrected: bool
    last_reason: str | None
    recorded_by: str
    recorded_at: dt.datetime
    corrected_after_close: bool = False
    correction_reason: str | None = None  # of the last correction after closing


@dataclass(frozen=True, slots=True)
class AbsenceDetail:
    """An absence or lateness: the observation, the reason, and who recorded each."""

    pupil_id: str
    pupil_name: str | None
    kind: AbsenceKind
    minutes_late: int | None
    reason: AbsenceReason
    evidence: str | None
    letter: str
    observed_by: str
    reason_set_by: str | None
    corrected_after_close: bool = False
    correction_reason: str | None = None  # of the last correction after closing


@dataclass(frozen=True, slots=True)
class LessonCorrection:
    """An edit of the lesson made as a correction after its period (or year) closed."""

    seq: int
    event_type: str
    reason: str
    actor_id: str
    recorded_at: dt.datetime
    mark_ids: list[str]
    pupil_ids: list[str]


@dataclass(frozen=True, slots=True)
class LessonDetail:
    """Everything the journal holds about one lesson."""

    school: str
    year: int
    lesson_id: str
    class_id: str
    class_label: str | None
    subject_id: str
    subject_name: str | None
    date: dt.date
    slot: int
    group: str | None
    status: LessonStatus
    cancel_reason: str | None
    topic: str | None
    timetabled_teacher: StaffRef
    teacher: StaffRef
    substituted: bool
    homework: Homework
    attendance_taken: bool
    first_entry_at: dt.datetime | None
    last_entry_at: dt.datetime | None
    marks: list[MarkDetail]
    absences: list[AbsenceDetail]
    pupils: list[PupilRef]
    corrections: list[LessonCorrection] = field(default_factory=list)
