"""Request and response bodies of the journal's HTTP API (never the contract classes)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.base import Token
from contracts.journal import (
    AbsenceEntry,
    CorrectionReason,
)
from contracts.text import Text, TextRules

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
