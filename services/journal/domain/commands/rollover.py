"""Commands of the school-year rollover: the pupils' outcomes and the sealing of the year."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from contracts.journal import PromotionOutcome


@dataclass(frozen=True, slots=True)
class CloseSchoolYear:
    """Seal the school year (the last step of the rollover into `next_year`)."""

    next_year: int


@dataclass(frozen=True, slots=True)
class RecordPupilOutcome:
    """How the pupil ends the year and the next year's class they join (None: graduates)."""

    pupil_id: str
    outcome: PromotionOutcome
    to_class_id: str | None
    debts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class UndoPupilOutcome:
    pupil_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class ClearAcademicDebt:
    pupil_id: str
    subject_id: str
    cleared_on: dt.date


OutcomeCommand = RecordPupilOutcome | UndoPupilOutcome | ClearAcademicDebt
