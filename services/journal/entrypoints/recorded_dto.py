"""What the journal's HTTP API answers to a command: what it recorded, and the warnings about
texts for the diary that name a pupil."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


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
