"""Request and response bodies of the monthly check API (never the contract classes)."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

from contracts.base import Token
from contracts.journal import CheckScope, FindingRef, RemarkAbout
from contracts.text import Text
from services.journal.entrypoints.dto import Body
from services.journal.entrypoints.recorded_dto import RecordedOut

Month = Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]


class OpenCheckBody(Body):
    """The month to check (`YYYY-MM`) and whom: the school, a class or a teacher."""

    month: Month
    scope: CheckScope = "school"
    target_id: Token | None = None


class RemarkBody(Body):
    """A remark; teacher, lesson, class and subject default from the finding (or lesson)."""

    text: Text
    about: RemarkAbout = "lesson"
    teacher_id: Token | None = None
    lesson_id: Token | None = None
    class_id: Token | None = None
    subject_id: Token | None = None
    finding_id: FindingRef | None = None


class ResolveBody(Body):
    """What the teacher did (optional)."""

    note: Text | None = None


class ReopenBody(Body):
    """Why the remark is not dealt with."""

    reason: Text


class CheckOpenedOut(RecordedOut):
    """The check opened, with its id."""

    check_id: str


class RemarkIssuedOut(RecordedOut):
    """The remark issued, with its id."""

    remark_id: str
