"""How the school year is laid out for each grade: its periods (quarters, halves, trimesters),
how each subject is assessed, and the calendar's days off. Events of the school's aggregate, each
a new version that replaces the one before it from now on."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field

from contracts.base import Contract, Event, SubjectId, Token
from contracts.journal.school import Period
from contracts.text import Name

Grade = Annotated[int, Field(ge=1, le=11)]

Assessment = Literal["scale", "pass_fail", "unmarked"]
"""How a subject is assessed in a grade: on the school's mark scale (2–5), as pass/fail
(«зачёт/незачёт»), or not at all («безотметочное обучение»: attendance, topics and homework)."""

DayOffKind = Literal["holiday", "vacation"]


class PeriodSchemeSet(Event):
    """The periods of some grades (quarters for 2–9 and halves for 10–11, for instance): from now
    on the grades named work in these periods; other grades keep theirs, and a grade no scheme
    names works in the periods the year was opened with. A period id means the same dates in
    every scheme that names it."""

    event_type = "journal.PeriodSchemeSet"
    scheme_id: Token
    name: Name
    grades: tuple[Grade, ...] = Field(min_length=1)
    periods: tuple[Period, ...] = Field(min_length=1)


class SubjectAssessmentSet(Event):
    """How a subject is assessed in some grades, from now on. Without one, a subject is marked on
    the scale, except in the first grade, where it is not marked."""

    event_type = "journal.SubjectAssessmentSet"
    subject_id: SubjectId
    grades: tuple[Grade, ...] = Field(min_length=1)
    assessment: Assessment


class DayOff(Contract):
    """A holiday or a vacation: no lessons from `starts_on` to `ends_on` (both inclusive)."""

    name: Name
    kind: DayOffKind
    starts_on: dt.date
    ends_on: dt.date


class SchoolCalendarSet(Event):
    """The school's days off for the year, as a whole new list (an empty list clears them)."""

    event_type = "journal.SchoolCalendarSet"
    days_off: tuple[DayOff, ...] = ()


YearPlanEvent = PeriodSchemeSet | SubjectAssessmentSet | SchoolCalendarSet
