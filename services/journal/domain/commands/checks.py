"""Commands of the monthly check of the journal and its remarks."""

from __future__ import annotations

from dataclasses import dataclass

from contracts.journal import CheckScope, RemarkAbout


@dataclass(frozen=True, slots=True)
class OpenMonthlyCheck:
    """The deputy director opens the check of a month (`YYYY-MM`)."""

    check_id: str
    month: str
    scope: CheckScope
    target_id: str | None = None


@dataclass(frozen=True, slots=True)
class IssueRemark:
    """A remark of the check; teacher, lesson, class and subject default from the finding."""

    remark_id: str
    about: RemarkAbout
    text: str
    teacher_id: str | None = None
    lesson_id: str | None = None
    class_id: str | None = None
    subject_id: str | None = None
    finding_id: str | None = None


@dataclass(frozen=True, slots=True)
class ResolveRemark:
    remark_id: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ConfirmRemark:
    remark_id: str


@dataclass(frozen=True, slots=True)
class ReopenRemark:
    remark_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class CloseMonthlyCheck:
    pass


CheckCommand = (
    OpenMonthlyCheck
    | IssueRemark
    | ResolveRemark
    | ConfirmRemark
    | ReopenRemark
    | CloseMonthlyCheck
)
