"""The journal: the chooser of classes and subjects, and a class's journal of one subject
(pupils × lessons with marks, absences, averages and the period mark).

Who may read a class journal is the journal API's to say (the subject's teachers, the class
teacher, the head, the deputy director, the administrator): the page asks with the person's
token, and a refusal becomes the refusal page.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from kernel.russian_dates import full_date
from kernel.year_plan import PASS_FAIL_LABELS
from services.common.webapp.session import Session, SignedIn
from services.web.domain.assessment import assessment_of
from services.web.domain.grid import build_table, period_marks_of
from services.web.domain.journal_choice import journal_choices
from services.web.domain.lesson_page import kind_names
from services.web.domain.periods import (
    Period,
    chosen_range,
    class_periods,
    default_range,
    given_range,
    grade_of,
    period_for,
)
from services.web.entrypoints.pages import deps_of, render, school_year, today
from services.web.entrypoints.teacher_routes import checked_ids

router = APIRouter(tags=["journal"])
READS_ALL = ("head", "deputy", "admin")


@router.get("/journal", summary="The journal chooser: classes and subjects")
async def journal_index(request: Request, session: SignedIn) -> HTMLResponse:
    year = school_year(request)
    roster = await deps_of(request).backends.get(
        "journal", f"/schools/{session.school}/years/{year}/roster", session.token
    )
    reads_all = session.principal.has(*READS_ALL)
    choices = journal_choices(roster, session.user_id, reads_all=reads_all)
    return render(request, "teacher/journal_index.html", {"choices": choices})


@router.get("/journal/{class_id}/{subject_id}", summary="A class journal of one subject")
async def class_journal(
    request: Request,
    session: SignedIn,
    class_id: str,
    subject_id: str,
    date_from: str | None = Query(None, alias="from"),
    date_to: str | None = Query(None, alias="to"),
) -> HTMLResponse:
    checked_ids(class_id, subject_id)
    reads = _Reads(request, session, class_id, subject_id)
    asked = given_range(date_from, date_to)
    if asked is None:  # the default dates come from the roster's periods
        shown = await reads.shown(date_from, date_to)
        grid, sheet = await asyncio.gather(
            reads.grid(shown.first, shown.last), reads.sheet(shown.period)
        )
    else:  # the grid is read while the roster, then the period's marks, are
        (shown, sheet), grid = await asyncio.gather(
            reads.shown_and_sheet(date_from, date_to), reads.grid(*asked)
        )
    roster, first, last, period = shown.roster, shown.first, shown.last, shown.period
    table = build_table(grid, kind_names(roster), period_marks_of(sheet))
    context = {
        "class_id": class_id,
        "subject_id": subject_id,
        "class_label": _label(roster, "classes", "class_id", class_id, "label"),
        "subject_name": _label(roster, "subjects", "subject_id", subject_id, "name"),
        "first": first,
        "last": last,
        "range_text": f"{full_date(first)} — {full_date(last)}",
        "periods": class_periods(roster, class_id),
        "period": period,
        "table": table,
        "assessment": assessment_of(roster, subject_id, grade_of(roster, class_id)),
        "pass_fail_labels": PASS_FAIL_LABELS,
    }
    return render(request, "teacher/journal.html", context)


class _Reads:
    """The journal reads of a class journal page, with the person's token."""

    def __init__(self, request: Request, session: Session, class_id: str, subject_id: str) -> None:
        self._request = request
        self._token = session.token
        self._base = f"/schools/{session.school}/years/{school_year(request)}"
        self._class_id = class_id
        self._subject = f"{self._base}/classes/{class_id}/subjects/{subject_id}"

    async def _get(self, path: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        answer: dict[str, Any] = await deps_of(self._request).backends.get(
            "journal", path, self._token, params=params
        )
        return answer

    async def grid(self, first: dt.date, last: dt.date) -> dict[str, Any]:
        """The class's marks and absences in the subject over the dates."""
        dates = {"from": first.isoformat(), "to": last.isoformat()}
        return await self._get(f"{self._subject}/grid", dates)

    async def shown(self, date_from: str | None, date_to: str | None) -> _Shown:
        """The roster, the dates the page shows and the period of the class they are in."""
        roster = await self._get(f"{self._base}/roster")
        periods = class_periods(roster, self._class_id)
        start = _date(roster.get("starts_on")) or dt.date(school_year(self._request), 9, 1)
        default = default_range(periods, today(self._request), start)
        first, last = chosen_range(date_from, date_to, default)
        return _Shown(roster, first, last, period_for(periods, first, last))

    async def sheet(self, period: Period | None) -> dict[str, Any]:
        """The period-mark sheet of the period shown (nothing when the dates are in none)."""
        if period is None:
            return {}
        return await self._get(f"{self._subject}/period-marks", {"period_id": period.period_id})

    async def shown_and_sheet(
        self, date_from: str | None, date_to: str | None
    ) -> tuple[_Shown, dict[str, Any]]:
        """`shown`, then its period's sheet."""
        shown = await self.shown(date_from, date_to)
        return shown, await self.sheet(shown.period)


@dataclass(frozen=True, slots=True)
class _Shown:
    """What the class journal page shows: the roster, its dates and their period."""

    roster: dict[str, Any]
    first: dt.date
    last: dt.date
    period: Period | None


def _date(text: object) -> dt.date | None:
    return dt.date.fromisoformat(text) if isinstance(text, str) and text else None


def _label(roster: dict[str, Any], kind: str, key: str, value: str, label: str) -> str:
    """The name the roster gives a class or subject (its id if the roster has none)."""
    found = next((item for item in roster.get(kind, []) if item.get(key) == value), None)
    return str(found.get(label, value)) if found else value
