"""What the monthly checks' read side answers, and the port that answers it.

`CheckViews` is implemented over PostgreSQL by `services.journal.adapters.check_view.PgCheckViews`
(the tables of migration 0003 and the lessons of the journal view).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any, Literal, Protocol

from contracts.journal import CheckScope, Finding, RemarkAbout
from services.journal.application.read_models import ReadModel
from services.journal.domain.findings import LessonFacts

RemarkStatus = Literal["issued", "resolved", "confirmed", "reopened"]
ShownStatus = Literal["issued", "resolved", "confirmed", "reopened", "fixed_automatically"]


class CheckRecord(ReadModel):
    """A check as the view holds it (findings as they stood at opening)."""

    check_id: str
    month: str
    scope: CheckScope
    target_id: str | None
    findings: tuple[Finding, ...]
    opened_by: str
    opened_at: dt.datetime
    closed: bool
    closed_by: str | None
    closed_at: dt.datetime | None


class RemarkRecord(ReadModel):
    """A remark as the view holds it, with the names and the lesson day it refers to."""

    check_id: str
    remark_id: str
    teacher_id: str
    teacher_name: str | None
    about: RemarkAbout
    text: str
    lesson_id: str | None
    lesson_date: dt.date | None
    class_id: str | None
    class_label: str | None
    subject_id: str | None
    subject_name: str | None
    finding_id: str | None
    status: RemarkStatus
    issued_by: str
    issued_at: dt.datetime
    resolved_at: dt.datetime | None
    resolve_note: str | None
    confirmed_at: dt.datetime | None
    reopened_at: dt.datetime | None
    reopen_reason: str | None


class RemarkView(RemarkRecord):
    """A remark with its recorded status and whether its finding no longer holds now.

    `shown_status` is "fixed_automatically" for an issued remark whose finding is gone;
    otherwise the recorded status (a reopened remark waits for the teacher, whatever its finding).
    """

    auto_fixed: bool
    shown_status: ShownStatus


class CheckHeading(ReadModel):
    """What names a check in a list or atop its page: the fields its summary and detail open
    with, in this order."""

    check_id: str
    month: str
    scope: CheckScope
    target_id: str | None
    opened_by: str
    opened_at: dt.datetime
    closed: bool


class CheckSummary(CheckHeading):
    """A check in the list of checks."""

    findings_at_opening: int
    remarks: int


class CheckFinding(Finding):
    """A finding of a check, listed once: whether the check found it when it was opened, and
    whether it holds now (as it stands now when it does)."""

    at_opening: bool
    now: bool


class CheckDetail(CheckHeading):
    """A check: its findings (each once, at opening, now or both), and its remarks with their
    statuses."""

    closed_at: dt.datetime | None
    findings: list[CheckFinding]
    remarks: list[RemarkView]


class Names(ReadModel):
    """Names the reports show: the school's, and staff, classes and subjects by id."""

    school_name: str | None
    staff: dict[str, str]
    classes: dict[str, str]
    subjects: dict[str, str]


class CheckViews(Protocol):
    """Queries over the checks, their remarks and the lessons they look at."""

    async def lesson_facts(
        self,
        school: str,
        year: int,
        days: tuple[dt.date, dt.date],
        scope: CheckScope,
        target_id: str | None,
    ) -> list[LessonFacts]:
        """The facts of the lessons of the days (inclusive) in the scope."""
        ...

    async def lessons_by_id(
        self, school: str, year: int, lesson_ids: Collection[str]
    ) -> list[LessonFacts]:
        """The facts of the given lessons (unknown ids are left out)."""
        ...

    async def checks(self, school: str, year: int) -> list[CheckRecord]:
        """Every check of the school year, the latest opened first."""
        ...

    async def check(self, school: str, year: int, check_id: str) -> CheckRecord:
        """One check; ViewNotFound if unknown."""
        ...

    async def remarks(
        self, school: str, year: int, *, check_id: str | None = None, teacher_id: str | None = None
    ) -> list[RemarkRecord]:
        """The remarks of a check, or addressed to a teacher (or both), oldest first."""
        ...

    async def names(self, school: str, year: int) -> Names:
        """Names of staff, classes and subjects."""
        ...


class NoCheckViews:
    """Stands in for `CheckViews` where nothing reads checks (handler tests, tools): any query
    fails loudly instead of answering nothing."""

    def __getattr__(self, name: str) -> Any:  # noqa: ANN401 - stands in for any query
        msg = f"check views are not available here ({name})"
        raise LookupError(msg)
