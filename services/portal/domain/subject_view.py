"""A child's subject page: every mark of the period with its date and kind of work, the
weighted average the diary computed (the regulation's, as the school's journal), and the
period mark beside it, with the choice of another period.

Built from the diary's answer (`PupilSubject` as JSON). The periods offered are those the
answer names (the one shown and those with a period mark) and the whole year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kernel.russian_dates import date_range, short_day
from services.portal.domain.marks import MarkNote, decimal_text, mark_note
from services.portal.domain.periods import WHOLE_YEAR, period_name


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


def _period_mark(found: Mapping[str, Any] | None) -> PeriodMark | None:
    if not found:
        return None
    return PeriodMark(
        period=period_name(str(found["period_id"]), found.get("name")),
        value=str(found["value"]),
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


def subject_view(answer: Mapping[str, Any]) -> SubjectView:
    """The page of the diary's answer for a pupil's subject."""
    period_id = answer.get("period_id")
    starts = dt.date.fromisoformat(str(answer["starts_on"]))
    ends = dt.date.fromisoformat(str(answer["ends_on"]))
    marks = []
    for dated in answer.get("marks") or ():
        day = dt.date.fromisoformat(str(dated["date"]))
        marks.append(DatedMark(day, short_day(day), mark_note(dated["mark"])))
    return SubjectView(
        subject=str(answer.get("subject_name") or answer["subject_id"]),
        subject_id=str(answer["subject_id"]),
        period=("учебный год" if period_id in (None, WHOLE_YEAR) else period_name(str(period_id))),
        days=date_range(starts, ends),
        marks=tuple(marks),
        average=decimal_text(answer.get("average"), 2),
        average_raw=answer.get("average"),
        period_mark=_period_mark(answer.get("period_mark")),
        choices=period_choices(answer),
    )
