"""What the journal's roster reads answer (school side: names allowed), and the port answering.

The school's web pages build their menus and forms from these: the year's reference data for
every member of staff, a class's pupils for those who teach it, every pupil for the
administration. They are the view's rows as the projection keeps them (migrations/0001), so a
field the view does not keep (a period's closing, a scale value's label) is not here.
`RosterViews` is implemented over PostgreSQL by
`services.journal.adapters.roster_view.PgRosterViews`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Protocol

from pydantic import Field

from services.journal.application.read_models import ReadModel

# ---------------------------------------------------------------- the year's reference data


class PeriodInfo(ReadModel):
    """A period of assessment of some grades (the year's own, or a scheme's)."""

    period_id: str
    name: str
    starts_on: dt.date
    ends_on: dt.date
    closed: bool = False  # closed by the administrator, or the year is sealed
    grades: list[int] = Field(default_factory=list)  # the grades that work in it


class SchemeInfo(ReadModel):
    """A scheme of periods and the grades that work in it."""

    scheme_id: str
    name: str
    grades: list[int]
    period_ids: list[str]


class AssessmentInfo(ReadModel):
    """A subject in a grade that is not marked on the scale: pass/fail, or not marked."""

    subject_id: str
    grade: int
    assessment: str


class DayOffInfo(ReadModel):
    """A holiday or a vacation of the school calendar."""

    name: str
    kind: str
    starts_on: dt.date
    ends_on: dt.date


class ScaleEntry(ReadModel):
    """A value of the mark scale; `numeric` None for values that do not enter averages."""

    value: str
    numeric: int | None


class WorkKindInfo(ReadModel):
    """A kind of work and its weight in averages, as configured."""

    work_kind_id: str
    name: str
    weight: Decimal


class SubjectInfo(ReadModel):
    """A subject the school teaches."""

    subject_id: str
    name: str


class StaffInfo(ReadModel):
    """A member of staff."""

    staff_id: str
    full_name: str
    position: str


class ClassInfo(ReadModel):
    """A class of the year and its class teacher."""

    class_id: str
    grade: int
    label: str
    class_teacher_id: str


class AssignmentInfo(ReadModel):
    """A teacher teaches a subject to a class (or to one of its groups)."""

    class_id: str
    subject_id: str
    teacher_id: str
    group: str | None


class Roster(ReadModel):
    """The school year's reference data, every list in a fixed order (see `RosterViews`)."""

    school: str
    year: int
    school_name: str | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    periods: list[PeriodInfo]
    sealed: bool = False  # the year is closed (rollover): every change is a correction
    schemes: list[SchemeInfo] = Field(default_factory=list)
    assessments: list[AssessmentInfo] = Field(default_factory=list)
    days_off: list[DayOffInfo] = Field(default_factory=list)
    scale_id: str | None
    scale: list[ScaleEntry]
    work_kinds: list[WorkKindInfo]
    subjects: list[SubjectInfo]
    staff: list[StaffInfo]
    classes: list[ClassInfo]
    assignments: list[AssignmentInfo]


# ---------------------------------------------------------------- pupils


class ClassMember(ReadModel):
    """One interval of a pupil's membership of the class; `last_day` None while it lasts.

    A pupil who left and came back has two; `full_name` is None if the pupil is not registered.
    """

    pupil_id: str
    full_name: str | None
    since: dt.date
    last_day: dt.date | None


class ClassMembers(ReadModel):
    """Every membership interval of a class over the year, by pupil id then start."""

    school: str
    year: int
    class_id: str
    members: list[ClassMember]


class PupilInfo(ReadModel):
    """A registered pupil and the class they are in on `PupilList.as_of` (None: in none).

    When no membership covers that day, the class the pupil joins next counts, so that a year
    being prepared already shows its classes.
    """

    pupil_id: str
    full_name: str
    birth_date: dt.date | None  # None once the pupil's personal data is erased
    class_id: str | None


class PupilList(ReadModel):
    """Every pupil registered for the year, by pupil id."""

    school: str
    year: int
    as_of: dt.date
    pupils: list[PupilInfo]


class RosterViews(Protocol):
    """Queries over the roster tables of the journal view."""

    async def roster(self, school: str, year: int) -> Roster:
        """The year's reference data; ViewNotFound if the year was never opened.

        Periods by start then id; the scale by numeric value (non-numeric last) then value;
        kinds of work, subjects, staff by id; classes by grade then label; assignments by
        class, subject, teacher and group.
        """
        ...

    async def class_teachers(self, school: str, year: int, class_id: str) -> frozenset[str]:
        """The class teacher and every teacher assigned to the class; ViewNotFound if no class."""
        ...

    async def class_members(self, school: str, year: int, class_id: str) -> ClassMembers:
        """The class's membership intervals; ViewNotFound if there is no such class."""
        ...

    async def pupils(self, school: str, year: int, as_of: dt.date) -> PupilList:
        """Every pupil of the year with their class on `as_of`."""
        ...

    async def pupil_names(self, school: str) -> list[tuple[str, str]]:
        """(pupil id, full name) of every pupil the school registered, of any year, each name
        of a pupil whose name changed between years (for the name guard:
        `services.journal.application.pupil_names`)."""
        ...

    async def pupils_version(self, school: str) -> tuple[int, int]:
        """What changes whenever `pupil_names` would: the school's pupil rows and the last
        event applied to one (a registration, a correction, an erasure)."""
        ...

    async def school_years(self) -> list[tuple[str, int]]:
        """Every (school, year) the view has opened, by school then year."""
        ...


class NoRosterViews:
    """Stands in for `RosterViews` where nothing reads the roster (handler tests, tools): any
    query fails loudly instead of answering nothing."""

    def __getattr__(self, name: str) -> Any:  # noqa: ANN401 - stands in for any query
        msg = f"roster views are not available here ({name})"
        raise LookupError(msg)
