"""Request and response bodies of the messages' routes (never the contract classes)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.base import ClassId, SubjectId
from contracts.diary import Pseudonym
from contracts.portal import MessageText, ParticipantRole, Title

NOTICE = (
    "Сообщения в электронном дневнике не являются официальной перепиской образовательной "
    "организации."
)
"""Shown with every answer about threads, and in the API's description."""


class To(BaseModel):
    """Whom a thread addresses: pupils of the class by pseudonym (or all), and who of them."""

    model_config = ConfigDict(extra="forbid")

    pupils: list[Pseudonym] | Literal["all"] = "all"
    audience: Literal["parents", "pupils", "both"] = "parents"


class StartBody(BaseModel):
    """A new thread with its first message."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "class_id": "5a",
                    "subject_id": "math",
                    "to": {"pupils": "all", "audience": "parents"},
                    "title": "Контрольная работа в пятницу",
                    "text": "Повторите, пожалуйста, сложение дробей: параграфы 12 и 13.",
                }
            ]
        },
    )

    class_id: ClassId
    subject_id: SubjectId | None = Field(
        default=None, description="required unless you hold the whole class (class teacher)"
    )
    year: int | None = Field(
        default=None, ge=2000, le=2100, description="school year (default: today's)"
    )
    to: To
    title: Title
    text: MessageText


class AttachmentOut(BaseModel):
    """A message's file and where to download it."""

    attachment_id: str
    name: str
    size: int
    media_type: str
    url: str


LABEL_DESCRIPTION = (
    "how the user is shown: role words («Классный руководитель», «Учитель — Математика», "
    "«Родитель», «Ученик»), then the label they set for themselves in brackets, if any"
)


class ParticipantOut(BaseModel):
    """A participant of a thread: portal UID, role, the pupils they are there for, and how
    they are shown."""

    uid: int
    role: ParticipantRole
    pupils: list[Pseudonym]
    label: str = Field(description=LABEL_DESCRIPTION)


class MessageOut(BaseModel):
    """A message as the caller sees it."""

    index: int
    message_id: str
    author: int
    author_label: str = Field(description=LABEL_DESCRIPTION)
    text: str
    posted_at: dt.datetime
    unread: bool
    attachments: list[AttachmentOut]


class ThreadOut(BaseModel):
    """A thread as the caller sees it, with the messages they wrote or received."""

    notice: str = NOTICE
    thread_id: str
    year: int
    class_id: str
    subject_id: str | None
    subject_name: str | None = Field(
        default=None, description="the subject's name, when the thread has one"
    )
    title: str
    started_by: int
    started_by_label: str = Field(description=LABEL_DESCRIPTION)
    participants: list[ParticipantOut]
    messages: list[MessageOut]
    read_up_to: int
    unread: int
    can_post: bool = Field(description="false once the grant you were added through ended")


class ThreadItem(BaseModel):
    """A thread in the caller's list."""

    thread_id: str
    year: int
    class_id: str
    subject_id: str | None
    subject_name: str | None = Field(
        default=None, description="the subject's name, when the thread has one"
    )
    title: str
    role: str
    started_by: int
    started_at: dt.datetime
    last_message_at: dt.datetime
    messages: int
    unread: int


class ThreadsOut(BaseModel):
    """The caller's threads, the latest message first."""

    notice: str = NOTICE
    unread: int
    threads: list[ThreadItem]


class UnreadOut(BaseModel):
    """Messages sent to the caller that they have not read yet."""

    notice: str = NOTICE
    unread: int


class RecordedOut(BaseModel):
    """What a start or a post recorded (`duplicate`: a retry of a request recorded before)."""

    notice: str = NOTICE
    thread_id: str
    index: int
    message_id: str
    recipients: int
    attachments: list[AttachmentOut]
    duplicate: bool


class ReadBody(BaseModel):
    """Up to which message the caller has read (default: the last)."""

    model_config = ConfigDict(extra="forbid")

    up_to: int | None = Field(default=None, ge=1)


class ReadOut(BaseModel):
    """The caller's read position after marking."""

    notice: str = NOTICE
    thread_id: str
    read_up_to: int
    unread: int
