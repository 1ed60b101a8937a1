"""Request and response bodies of the journal's HTTP API (never the contract classes)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.base import Token
from contracts.journal import (
    AbsenceEntry,
    ClassLabel,
    CorrectionReason,
    Period,
    ScaleValue,
    TimetableSlot,
    WorkKind,
)
from contracts.text import Name, Text, TextRules

# Every text of a request is `contracts.text`'s: refused characters answer 422 `invalid_text`.
Reason = Annotated[str, TextRules(max_length=500, min_length=1, strip=True)]
Comment = Annotated[str, TextRules(max_length=500, strip=True)]
MarkValue = Annotated[str, TextRules(max_length=8, min_length=1, strip=True)]
CorrectionText = CorrectionReason
CORRECTION = Field(
    default=None,
    description="only to correct a closed period (or a sealed year): why; the administrator "
    "or the deputy director, never the teacher. The edit is then flagged as a correction.",
)


class Body(BaseModel):
    """A request body: unknown fields are refused, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


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


class ExtraLessonBody(Body):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"subject_id": "math", "date": "2026-09-19", "slot": 5, "teacher_id": "t023"}
            ]
        }
    )

    subject_id: Token
    date: dt.date
    slot: int = Field(ge=1, le=12)
    teacher_id: Token
    group: Token | None = None


class SubstituteBody(Body):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"substitute_id": "t031", "reason": "Учитель на больничном"}]
        }
    )

    substitute_id: Token
    reason: Reason


class Correctable(Body):
    """A lesson edit, which in a closed period is a correction with its reason."""

    correction_reason: CorrectionText | None = CORRECTION


class CancelBody(Correctable):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "Карантин в классе"}]})

    reason: Reason


class HeldBody(Correctable):
    model_config = ConfigDict(json_schema_extra={"examples": [{}]})  # nothing to say but "held"


class TopicBody(Correctable):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"topic": "Сложение дробей с разными знаменателями"}]}
    )

    topic: Text


class HomeworkBody(Body):
    text: Text
    due_on: dt.date | None = None


class SetHomeworkBody(HomeworkBody, Correctable):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"text": "№ 245, 247 (с. 58)", "due_on": "2026-09-09"}]}
    )


class MarkBody(Body):
    pupil_id: Token
    value: MarkValue
    work_kind_id: Token
    comment: Comment | None = None
    counts: bool = True


class RecordMarkBody(MarkBody, Correctable):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "pupil_id": "p0101",
                    "value": "5",
                    "work_kind_id": "oral",
                    "comment": "Отличный ответ у доски",
                }
            ]
        }
    )


class CorrectMarkBody(Correctable):
    """The mark as corrected; what is not sent stays as the mark has it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"value": "4", "work_kind_id": "oral", "reason": "Ошибка при вводе оценки"}
            ]
        }
    )

    value: MarkValue
    work_kind_id: Token
    reason: Reason
    comment: Comment | None = Field(
        default=None, description="not sent: the comment stays; null: the comment is removed"
    )
    counts: bool | None = Field(
        default=None, description="whether the mark counts toward averages; not sent: unchanged"
    )


class AttendanceBody(Correctable):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "absences": [
                        {"pupil_id": "p0101", "kind": "absent"},
                        {"pupil_id": "p0102", "kind": "late", "minutes_late": 10},
                    ]
                }
            ]
        }
    )

    absences: list[AbsenceEntry]


class AbsenceReasonBody(Correctable):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"reason": "illness", "evidence": "Справка от 14.09"}]}
    )

    reason: Literal["illness", "valid", "unexcused", "unknown"]
    evidence: Comment | None = None


class EntriesBody(Correctable):
    """The lesson page saved at once: attendance (when given) is the whole class's."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "held": True,
                    "topic": "Сложение дробей с разными знаменателями",
                    "homework": {"text": "№ 245, 247 (с. 58)", "due_on": "2026-09-09"},
                    "marks": [{"pupil_id": "p0101", "value": "5", "work_kind_id": "oral"}],
                    "attendance": [{"pupil_id": "p0102", "kind": "absent"}],
                }
            ]
        }
    )

    held: bool = True
    topic: Text | None = None
    homework: HomeworkBody | None = None
    marks: list[MarkBody] = Field(default_factory=list, max_length=400)
    attendance: list[AbsenceEntry] | None = None


# ---------------------------------------------------------------- closing, period marks


class GradingRulesBody(Body):
    rounding: Literal["half_up", "half_even", "down", "up"] = Field(
        description="how an average rounds to a mark (half_up: 4.5 -> 5)"
    )
    min_marks: int = Field(ge=0, le=50, description="marks a pupil needs for a suggestion")


class ReopenBody(Body):
    reason: Reason


class PeriodMarkBody(Correctable):
    model_config = ConfigDict(json_schema_extra={"examples": [{"value": "4"}]})

    value: MarkValue = Field(description="a value of the school's scale, 'н/а' or 'осв'")


class RecordedOut(BaseModel):
    """What a command recorded."""

    event_type: str
    seq: int
    duplicate: bool = Field(description="true when this request id had been recorded before")


class DiaryTextWarning(BaseModel):
    """A text of the request that goes to the diary names a pupil of the school: recorded as
    typed, but the diary will show «[ученик]» in place of the name."""

    reason: Literal["pupil_name_in_diary_text"] = "pupil_name_in_diary_text"
    field: str = Field(
        description="where the text is in the request: topic, homework.text, marks[i].comment "
        "(the whole-class save), or text, comment, name (the single-field routes)"
    )
    detail: str = Field(description="a sentence for the teacher, in Russian")


class RecordedTextOut(RecordedOut):
    """What a command that carries text for the diary recorded, with its warnings."""

    warnings: list[DiaryTextWarning] = Field(
        default_factory=list,
        description="texts for the diary that name a pupil of the school (the save is done)",
    )


class MarkRecordedOut(RecordedTextOut):
    mark_id: str


class LessonAddedOut(RecordedOut):
    """A lesson added outside the timetable, with the id its later edits are addressed by."""

    lesson_id: str


class EntriesOut(RecordedTextOut):
    mark_ids: list[str]


class AttachmentOut(RecordedTextOut):
    attachment_id: str


class ScheduleOut(BaseModel):
    created: list[str]
    existing: list[str]
