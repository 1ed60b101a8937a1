"""Request and response bodies of the rollover's HTTP API (never the contract classes)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, Field

from contracts.base import Token
from contracts.journal import ClassLabel, PromotionOutcome, TimetableSlot
from contracts.text import Name, TextRules
from services.journal.domain.rollover import FINAL_GRADE
from services.journal.entrypoints.dto import Body
from services.journal.entrypoints.recorded_dto import RecordedOut

Reason = Annotated[str, TextRules(max_length=500, min_length=1, strip=True)]
Debts = Annotated[list[Token], Field(max_length=30)]


class OutcomeBody(Body):
    """The administrator's decision about one pupil (promoted is the default)."""

    outcome: PromotionOutcome
    debts: Debts = Field(default_factory=list, description="subjects, for a conditional one")


class RolloverBody(Body):
    # Required (`{}` for none), so that a stray empty request never closes a school year.
    outcomes: dict[Token, OutcomeBody] = Field(
        description="pupil id -> decision; everyone else is promoted "
        "(graduates in the final grade)",
    )
    final_grade: int = Field(default=FINAL_GRADE, ge=2, le=11)
    first_grade: list[FirstGradeClassBody] = Field(
        default_factory=list,
        max_length=20,
        description="the new first grade: its classes and the pupils admitted to each",
    )
    dry_run: bool = Field(default=False, description="answer the plan, record nothing")


class AdmittedPupilBody(Body):
    pupil_id: Token
    full_name: Name
    birth_date: dt.date


class FirstGradeClassBody(Body):
    """A first-grade class of the next year and the pupils admitted to it."""

    class_id: Token
    label: ClassLabel
    class_teacher_id: Token
    pupils: list[AdmittedPupilBody] = Field(max_length=40)


class NewOutcomeBody(Body):
    outcome: PromotionOutcome
    debts: Debts = Field(default_factory=list)
    to_class_id: Token | None = Field(
        default=None, description="next year's class; by default the one the rollover plans"
    )


class UndoBody(Body):
    reason: Reason


class ClearDebtBody(Body):
    cleared_on: dt.date | None = Field(default=None, description="today by default")


class NextClassOut(BaseModel):
    class_id: str
    grade: int
    label: str
    class_teacher_id: str
    assignments: int
    pupils: int
    source: str = Field(description="the closing year's class it continues ('' for grade 1)")
    timetable_slots: int = Field(description="slots of the timetable proposed for it")
    admitted: int = Field(description="first-graders admitted to it")


class MoveOut(BaseModel):
    pupil_id: str
    from_class: str
    outcome: PromotionOutcome
    to_class_id: str | None
    debts: list[str]


class StepProblem(BaseModel):
    step: str
    message: str


class RolloverOut(BaseModel):
    """The plan and what recording it did (counts are of steps)."""

    year: int
    next_year: int
    dry_run: bool
    closed: bool = Field(description="the closing year is sealed")
    seconds: float
    steps: int
    recorded: int
    duplicates: int = Field(description="steps recorded by an earlier run")
    already: int = Field(description="steps whose effect was there already")
    outcomes: dict[str, int]
    staff: int
    pupils: int = Field(description="pupils registered in the next year")
    classes: list[NextClassOut]
    moves: list[MoveOut]
    differs: list[StepProblem] = Field(
        description="decisions that differ from outcomes recorded before: undo those first"
    )
    failures: list[StepProblem]


class PupilStatusOut(BaseModel):
    pupil_id: str
    from_class: str
    outcome: PromotionOutcome | None
    to_class_id: str | None
    debts: list[str]
    open_debts: list[str]
    undone: int = Field(description="how many outcomes of the pupil were undone")


class RolloverStatusOut(BaseModel):
    year: int
    closed_into: int | None = Field(description="the next year, once the year is closed")
    counts: dict[str, int] = Field(description="pupils by outcome ('none': not recorded)")
    open_debts: int
    pupils: list[PupilStatusOut]


class StepsOut(BaseModel):
    recorded: list[RecordedOut]


class TimetableDraftOut(BaseModel):
    """The timetable proposed for a class (by the rollover), waiting for confirmation."""

    class_id: str
    effective_from: dt.date
    source: str = Field(description="the class of the year before whose timetable it was")
    slots: list[TimetableSlot]
