"""The monthly check's aggregate: the deputy director's check of a month, its automated
findings, and the remarks addressed to teachers until they are dealt with."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import StringConstraints

from contracts.base import ClassId, Contract, Event, LessonId, PupilId, StaffId, SubjectId, Token
from contracts.text import Text, TextRules

FindingRef = Annotated[str, TextRules(max_length=200, min_length=1, words=False)]
CheckScope = Literal["school", "class", "teacher"]
FindingKind = Literal[
    "no_topic",
    "not_marked_held",
    "no_attendance",
    "absence_without_reason",
    "no_homework",
    "late_entry",
]
RemarkAbout = Literal["lesson", "class_subject", "teacher"]


class Finding(Contract):
    """One automated finding of a monthly check: what is missing or late, and where."""

    finding_id: FindingRef
    kind: FindingKind
    class_id: ClassId
    teacher_id: StaffId
    date: dt.date
    lesson_id: LessonId | None = None
    subject_id: SubjectId | None = None
    pupil_id: PupilId | None = None
    detail: Annotated[str, TextRules(max_length=500)] = ""


class MonthlyCheckOpened(Event):
    """The deputy director opened the check of a month for the school, a class or a teacher,
    with the automated findings as they stood. Aggregate: `contracts.subjects.monthly_check`."""

    event_type = "journal.MonthlyCheckOpened"
    check_id: Token
    month: Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
    scope: CheckScope
    target_id: Token | None = None
    findings: tuple[Finding, ...] = ()


class RemarkIssued(Event):
    """A remark of the check addressed to a teacher: about a lesson, a class-subject, or the
    teacher in general (optionally about an automated finding)."""

    event_type = "journal.RemarkIssued"
    remark_id: Token
    teacher_id: StaffId
    about: RemarkAbout
    text: Text
    lesson_id: LessonId | None = None
    class_id: ClassId | None = None
    subject_id: SubjectId | None = None
    finding_id: FindingRef | None = None


class RemarkResolved(Event):
    """The teacher fixed the journal and marked the remark done."""

    event_type = "journal.RemarkResolved"
    remark_id: Token
    note: Text | None = None


class RemarkConfirmed(Event):
    """The deputy director confirmed that the remark is dealt with."""

    event_type = "journal.RemarkConfirmed"
    remark_id: Token


class RemarkReopened(Event):
    """The deputy director found the remark not dealt with and reopened it."""

    event_type = "journal.RemarkReopened"
    remark_id: Token
    reason: Text


class MonthlyCheckClosed(Event):
    """The check is over; its remarks stay as they are."""

    event_type = "journal.MonthlyCheckClosed"


CheckEvent = (
    MonthlyCheckOpened
    | RemarkIssued
    | RemarkResolved
    | RemarkConfirmed
    | RemarkReopened
    | MonthlyCheckClosed
)
