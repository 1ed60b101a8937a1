"""What the journal view answers about period marks: the port the handlers read the pupils'
marks through, and the period-mark sheet of a class and subject (school side: names allowed).

`JournalViews` extends `PeriodMarkViews`; the PostgreSQL side lives in
`services.journal.adapters.period_marks_view`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from contracts.journal import PeriodMarkInput


@dataclass(frozen=True, slots=True)
class SetMarkRecord:
    """A period mark as the view stored it when it was set."""

    value: str
    average: Decimal | None
    suggested: str | None
    inputs: tuple[PeriodMarkInput, ...]
    rules_version: int
    rounding: str
    min_marks: int
    correction_reason: str | None
    set_by: str
    set_at: dt.datetime


@dataclass(frozen=True, slots=True)
class PeriodData:
    """The class's pupils in a period (name order), their marks in force, their set marks."""

    pupils: tuple[tuple[str, str | None], ...] = ()
    inputs: Mapping[str, tuple[PeriodMarkInput, ...]] = field(default_factory=dict)
    set_marks: Mapping[str, SetMarkRecord] = field(default_factory=dict)


class PeriodMarkViews(Protocol):
    """Queries over the view for period marks."""

    async def period_inputs(
        self,
        school: str,
        year: int,
        class_id: str,
        subject_id: str,
        pupil_id: str,
        span: tuple[dt.date, dt.date],
    ) -> tuple[PeriodMarkInput, ...]:
        """The pupil's marks in force (not cancelled) in the subject and class within `span`."""
        ...

    async def period_data(
        self,
        school: str,
        year: int,
        class_id: str,
        subject_id: str,
        period_id: str,
        span: tuple[dt.date, dt.date],
    ) -> PeriodData:
        """Pupils of the class within `span`, their marks and set period marks; ViewNotFound
        when there is no such class."""
        ...

    async def corrections_revision(self, school: str, year: int) -> int:
        """The stream sequence of the year's last correction after closing or period mark (0
        without any). Once the year is sealed, everything else of it is settled, so a printed
        archive is out of date exactly when this has grown since it was printed."""
        ...


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class MarkInput(_Model):
    """A lesson mark that enters (or entered) an average."""

    mark_id: str
    lesson_id: str
    date: dt.date
    value: str
    weight: Decimal
    counts: bool


class GradingRulesInfo(_Model):
    """The grading rules: their version, rounding and minimum number of marks."""

    version: int
    rounding: str
    min_marks: int


class SetPeriodMark(_Model):
    """The mark the teacher set, with the average, suggestion, inputs and rules of that moment."""

    value: str
    average: Decimal | None
    suggested: str | None
    differs_from_suggestion: bool
    inputs: list[MarkInput]
    rules: GradingRulesInfo
    corrected_after_close: bool
    correction_reason: str | None
    set_by: str
    set_at: dt.datetime


class PeriodMarkLine(_Model):
    """A pupil: the average of their marks now and its suggestion, and the mark set, if any."""

    pupil_id: str
    full_name: str | None
    average: Decimal | None
    suggested: str | None
    marks_counted: int
    inputs: list[MarkInput]
    set: SetPeriodMark | None
    changed_since_set: bool  # the marks (or rules) now give another average or suggestion


class PeriodMarkSheet(_Model):
    """A class's period marks in a subject for one period."""

    school: str
    year: int
    class_id: str
    subject_id: str
    period_id: str
    date_from: dt.date
    date_to: dt.date
    closed: bool
    rules: GradingRulesInfo
    pupils: list[PeriodMarkLine]
