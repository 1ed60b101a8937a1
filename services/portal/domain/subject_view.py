"""A child's subject page: every mark of the period with its date and kind of work, the
weighted average the diary computed (the regulation's, as the school's journal), and the
period mark beside it, with the choice of another period.

Built from the diary's answer (`PupilSubject` as JSON). The periods offered are those of the
child's class as the answer lists them (a tenth grader's halves, a fifth grader's quarters),
those it names (the one shown and those with a period mark) and the whole year. A pass/fail
subject's marks and period mark read «зачтено» / «не зачтено» and it has no average; a subject
without marks shows neither marks nor average (`services.portal.domain.plan_notes`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kernel.russian_dates import date_range, short_day
from services.portal.domain.marks import MarkNote, decimal_text, mark_note
from services.portal.domain.periods import WHOLE_YEAR, period_name
from services.portal.domain.plan_notes import (
    ASSESSMENT_NOTES,
    assessment_of,
    mark_text,
    shows_average,
    shows_marks,
)


@dataclass(frozen=True, slots=True)
class DatedMark:
    """A mark and the day of its lesson."""

    date: dt.date
    day: str
    mark: MarkNote


@dataclass(frozen=True, slots=True)
class PeriodMark:
    """The mark set for a period, and the average the teacher saw beside it."""

    period: str
    value: str
    average: str | None
    corrected_after_close: bool


@dataclass(frozen=True, slots=True)
class PeriodChoice:
    """A period to choose in the page's form."""

    period_id: str
    name: str
    selected: bool


@dataclass(frozen=True, slots=True)
class SubjectView:
    """What the subject page shows."""

    subject: str
    subject_id: str
    period: str
    days: str
    marks: tuple[DatedMark, ...]
    average: str | None
    average_raw: str | None
    period_mark: PeriodMark | None
    choices: tuple[PeriodChoice, ...]
    assessment: str = "scale"
    show_marks: bool = True
    show_average: bool = True
    assessment_note: str | None = None


def _period_mark(found: Mapping[str, Any] | None) -> PeriodMark | None:
    if not found:
        return None
    return PeriodMark(
        period=period_name(str(found["period_id"]), found.get("name")),
        value=mark_text(found),
        average=decimal_text(found.get("average"), 2),
        corrected_after_close=bool(found.get("corrected_after_close", False)),
    )


def period_choices(answer: Mapping[str, Any]) -> tuple[PeriodChoice, ...]:
    """The periods named by the answer, in its order (the terms first), then the whole year;
    the one shown selected."""
    shown = answer.get("period_id") or WHOLE_YEAR
    ids: dict[str, str | None] = {}
    for period in answer.get("periods") or ():  # the school's periods, when the diary lists them
        ids.setdefault(str(period["period_id"]), period.get("name"))
    if answer.get("period_id"):
        ids.setdefault(str(answer["period_id"]), None)
    for mark in answer.get("period_marks") or ():
        ids.setdefault(str(mark["period_id"]), None)
    ids.setdefault(WHOLE_YEAR, None)
    terms = [i for i in ids if i != WHOLE_YEAR]
    ordered = [*terms, WHOLE_YEAR]
    return tuple(
        PeriodChoice(
            i,
            "весь год" if i == WHOLE_YEAR else period_name(i, ids[i]),
            i == shown,
        )
        for i in ordered
    )


def _period_heading(answer: Mapping[str, Any]) -> str:
    """«учебный год», or the period shown by its name among the answer's periods."""
    period_id = answer.get("period_id")
    if period_id in (None, WHOLE_YEAR):
        return "учебный год"
    listed = answer.get("periods") or ()
    known = next((p.get("name") for p in listed if p.get("period_id") == period_id), None)
    return period_name(str(period_id), known)


def subject_view(answer: Mapping[str, Any]) -> SubjectView:
    """The page of the diary's answer for a pupil's subject."""
    assessment = assessment_of(answer)
    starts = dt.date.fromisoformat(str(answer["starts_on"]))
    ends = dt.date.fromisoformat(str(answer["ends_on"]))
    marks = []
    for dated in answer.get("marks") or ():
        day = dt.date.fromisoformat(str(dated["date"]))
        marks.append(DatedMark(day, short_day(day), mark_note(dated["mark"])))
    return SubjectView(
        subject=str(answer.get("subject_name") or answer["subject_id"]),
        subject_id=str(answer["subject_id"]),
        period=_period_heading(answer),
        days=date_range(starts, ends),
        marks=tuple(marks) if shows_marks(assessment) else (),
        average=decimal_text(answer.get("average"), 2) if shows_average(assessment) else None,
        average_raw=answer.get("average") if shows_average(assessment) else None,
        period_mark=_period_mark(answer.get("period_mark")) if shows_marks(assessment) else None,
        choices=period_choices(answer),
        assessment=assessment,
        show_marks=shows_marks(assessment),
        show_average=shows_average(assessment),
        assessment_note=ASSESSMENT_NOTES.get(assessment),
    )
