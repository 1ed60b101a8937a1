"""Request bodies of the administrator's API (`admin_routes`): the school year, its
configuration and the roster; and the answer of scheduling a range of lessons."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from contracts.base import Token
from contracts.journal import (
    Assessment,
    ClassLabel,
    DayOff,
    Grade,
    Period,
    ScaleValue,
    TimetableSlot,
    WorkKind,
)
from contracts.text import Name
from services.journal.entrypoints.dto import Body, Reason


class OpenYearBody(Body):
    school_name: Name
    starts_on: dt.date
    ends_on: dt.date
    periods: list[Period] = Field(min_length=1)


class MarkScaleBody(Body):
    scale_id: Token
    values: list[ScaleValue] = Field(min_length=1)


class WorkKindsBody(Body):
    kinds: list[WorkKind] = Field(min_length=1)


class PeriodSchemeBody(Body):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "Полугодия",
                    "grades": [10, 11],
                    "periods": [
                        {
                            "period_id": "h1",
                            "name": "1 полугодие",
                            "starts_on": "2026-09-01",
                            "ends_on": "2026-12-28",
                        },
                        {
                            "period_id": "h2",
                            "name": "2 полугодие",
                            "starts_on": "2027-01-09",
                            "ends_on": "2027-05-26",
                        },
                    ],
                }
            ]
        }
    )

    name: Name
    grades: list[Grade] = Field(min_length=1, description="the grades that work in these periods")
    periods: list[Period] = Field(min_length=1)


class AssessmentBody(Body):
    grades: list[Grade] = Field(min_length=1)
    assessment: Assessment = Field(
        description="scale: marks of the school's scale; pass_fail: «зач»/«незач»; "
        "unmarked: no marks at all (the first grade's default)"
    )


class CalendarBody(Body):
    days_off: list[DayOff] = Field(description="every holiday and vacation of the year")


class SubjectBody(Body):
    name: Name


class StaffBody(Body):
    full_name: Name
    position: Name


class PupilBody(Body):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"full_name": "Иванова Анна Сергеевна", "birth_date": "2015-03-01"}]
        }
    )

    full_name: Name
    birth_date: dt.date


class OpenClassBody(Body):
    grade: int = Field(ge=1, le=11)
    label: ClassLabel
    class_teacher_id: Token


class ClassTeacherBody(Body):
    class_teacher_id: Token


class JoinBody(Body):
    pupil_id: Token
    since: dt.date


class LeaveBody(Body):
    last_day: dt.date
    reason: Reason


class AssignmentBody(Body):
    teacher_id: Token
    subject_id: Token
    group: Token | None = None


class TimetableBody(Body):
    effective_from: dt.date
    slots: list[TimetableSlot]


class ScheduleRangeBody(Body):
    date_from: dt.date = Field(alias="from")
    date_to: dt.date = Field(alias="to")


class ScheduleOut(BaseModel):
    created: list[str]
    existing: list[str]
