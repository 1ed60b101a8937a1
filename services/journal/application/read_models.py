"""What the journal's read side answers (school side: names allowed), and the port that answers.

The models are the view's answers, shaped for the HTTP layer and the checks; `JournalViews` is
implemented over PostgreSQL by `services.journal.adapters.journal_view.PgJournalViews`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict

from services.journal.application.period_mark_views import PeriodMarkViews

LessonStatus = Literal["scheduled", "held", "cancelled"]
Missing = Literal["topic", "held", "attendance"]


class ViewNotFound(LookupError):
    """The view holds nothing under the key asked for (unknown class, lesson...)."""

    def __init__(self, what: str, key: str) -> None:
        super().__init__(f"{what} {key!r} not found")
        self.what = what
        self.key = key


class ReadModel(BaseModel):
    """A frozen answer of the view."""

    model_config = ConfigDict(frozen=True)


# ---------------------------------------------------------------- class grid


class GridLesson(ReadModel):
    """A column of the grid: one lesson of the class and subject."""

    lesson_id: str
    date: dt.date
    slot: int
    status: LessonStatus
    topic: str | None
    teacher_id: str
    corrected_after_close: bool = False  # something of the lesson was corrected after closing


class GridMark(ReadModel):
    """A mark as the grid shows it (cancelled marks are not shown)."""

    mark_id: str
    value: str
    work_kind_id: str
    weight: Decimal
    corrected: bool
    corrected_after_close: bool = False


class GridCell(ReadModel):
    """What a pupil got at one lesson: marks and the absence letter, if any."""

    lesson_id: str
    marks: list[GridMark]
    absence: str | None = None
    corrected_after_close: bool = False  # a mark or the absence changed by a correction


class GridRow(ReadModel):
    """A pupil of the class in the range, with one cell per column and their average."""

    pupil_id: str
    full_name: str | None
    since: dt.date
    last_day: dt.date | None
    cells: list[GridCell]
    average: Decimal | None
    absences: int
    lates: int


class ClassGrid(ReadModel):
    """A class's journal page for one subject over a range of dates."""

    school: str
    year: int
    class_id: str
    subject_id: str
    date_from: dt.date
    date_to: dt.date
    lessons: list[GridLesson]
    rows: list[GridRow]


# ---------------------------------------------------------------- lesson detail


class StaffRef(ReadModel):
    """A member of staff with the name the journal shows (None if not registered)."""

    staff_id: str
    full_name: str | None


class AttachmentInfo(ReadModel):
    """A homework file; its bytes live in the Object Store under `attachment_id`."""

    attachment_id: str
    name: str
    size: int
    media_type: str
    sha256: str


class Homework(ReadModel):
    """The homework of a lesson."""

    text: str | None
    due_on: dt.date | None
    attachments: list[AttachmentInfo]


class MarkDetail(ReadModel):
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


class AbsenceDetail(ReadModel):
    """An absence or lateness: the observation, the reason, and who recorded each."""

    pupil_id: str
    pupil_name: str | None
    kind: Literal["absent", "late"]
    minutes_late: int | None
    reason: Literal["illness", "valid", "unexcused", "unknown"]
    evidence: str | None
    letter: str
    observed_by: str
    reason_set_by: str | None
    corrected_after_close: bool = False
    correction_reason: str | None = None  # of the last correction after closing


class LessonCorrection(ReadModel):
    """An edit of the lesson made as a correction after its period (or year) closed."""

    seq: int
    event_type: str
    reason: str
    actor_id: str
    recorded_at: dt.datetime
    mark_ids: list[str]
    pupil_ids: list[str]


class PupilRef(ReadModel):
    """A pupil with their name."""

    pupil_id: str
    full_name: str | None


class LessonDetail(ReadModel):
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
    corrections: list[LessonCorrection] = []


# ---------------------------------------------------------------- teacher's day


class TeacherLesson(ReadModel):
    """A lesson of the teacher's day and what is still to be entered for it."""

    lesson_id: str
    class_id: str
    class_label: str | None
    subject_id: str
    subject_name: str | None
    slot: int
    status: LessonStatus
    topic: str | None
    substituted: bool
    missing: list[Missing]


class TeacherDay(ReadModel):
    """The lessons a teacher is the teacher of record of on one day, by slot."""

    school: str
    year: int
    teacher_id: str
    day: dt.date
    lessons: list[TeacherLesson]


class RosterIds(ReadModel):
    """The ids of a year's classes and staff, as the view knows them (the rollover reads each
    one's state from the event store)."""

    classes: list[str]
    staff: list[str]


class JournalViews(PeriodMarkViews, Protocol):
    """Queries over the journal view (the period marks' among them)."""

    async def class_grid(
        self,
        school: str,
        year: int,
        class_id: str,
        subject_id: str,
        date_from: dt.date,
        date_to: dt.date,
    ) -> ClassGrid:
        """The class's marks and absences in a subject over a range; ViewNotFound if no class."""
        ...

    async def lesson_detail(self, school: str, year: int, lesson_id: str) -> LessonDetail:
        """Everything recorded for a lesson; ViewNotFound if unknown."""
        ...

    async def teacher_day(
        self, school: str, year: int, teacher_id: str, day: dt.date
    ) -> TeacherDay:
        """The teacher's lessons of a day (as teacher of record), by slot, with what is missing."""
        ...

    async def teaches(
        self, school: str, year: int, teacher_id: str, class_id: str, subject_id: str
    ) -> bool:
        """Whether the teacher is assigned the subject in the class (any group)."""
        ...

    async def class_teacher_of(self, school: str, year: int, class_id: str) -> str | None:
        """The class teacher of a class, or None for an unknown class."""
        ...

    def record_facts(self, school: str, year: int) -> AsyncIterator[bytes]:
        """NDJSON lines, one per class and lesson of the year, shaped like the diary's records
        (school-side pupil ids in place of pseudonyms), ordered by kind and id."""
        ...

    async def roster_ids(self, school: str, year: int) -> RosterIds:
        """The ids of the year's classes and members of staff, in id order."""
        ...
