"""What the journal's read side answers (school side: names allowed), and the port that answers.

The models are the view's answers, shaped for the HTTP layer and the checks; `JournalViews` is
implemented over PostgreSQL by `services.journal.adapters.journal_view.PgJournalViews`. The
class grid and a lesson's detail are the kernel's answers (`kernel.answers`), which the audit's
as-of view gives too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict

from kernel.answers import ClassGrid, LessonDetail
from kernel.rows import LessonStatus
from services.journal.application.period_mark_views import PeriodMarkViews

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
