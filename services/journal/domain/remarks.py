"""A new remark of a monthly check: what it is about, whom it is addressed to, and whether that
fits the check (`services.journal.domain.monthly_check` decides the rest)."""

from __future__ import annotations

from collections.abc import Mapping

from contracts.journal import CheckScope, Finding, RemarkIssued
from services.journal.domain.commands import IssueRemark
from services.journal.domain.errors import InvalidRemark, LessonNotFound
from services.journal.domain.findings import LessonFacts

CheckScopeInfo = tuple[CheckScope, str | None, str, Mapping[str, Finding]]
"""(scope, target id, month `YYYY-MM`, findings at opening by id) of the check."""


def new_remark(
    cmd: IssueRemark,
    check: CheckScopeInfo,
    findings_now: tuple[Finding, ...],
    lesson: LessonFacts | None,
    known_staff: frozenset[str],
) -> RemarkIssued:
    """The remark, its lesson, class, subject and teacher filled in from its finding or lesson
    (the teacher of a teacher check by default).

    The finding must be one of the check's (at opening or now); the lesson must exist and lie in
    the check's month; a teacher check's remarks go to its teacher, a class check's are about
    its class.
    """
    scope, target, month, opened_with = check
    finding = _finding(cmd.finding_id, opened_with, findings_now)
    lesson_id = cmd.lesson_id or (finding.lesson_id if finding else None)
    if finding is not None and lesson_id != finding.lesson_id:
        raise InvalidRemark(f"finding '{finding.finding_id}' is about another lesson")
    if lesson_id is None:
        lesson = None  # a remark about no lesson takes nothing from one
    else:
        if lesson is None or lesson.lesson_id != lesson_id:
            raise LessonNotFound(f"no lesson '{lesson_id}' in the journal")
        if f"{lesson.date:%Y-%m}" != month:
            raise InvalidRemark(f"lesson '{lesson_id}' is not of {month}")
    class_id = _one(
        "class", cmd.class_id, lesson.class_id if lesson else None, _of(finding, "class_id")
    )
    subject_id = _one(
        "subject", cmd.subject_id, lesson.subject_id if lesson else None, _of(finding, "subject_id")
    )
    teacher_id = (
        cmd.teacher_id
        or _of(finding, "teacher_id")
        or (lesson.teacher_id if lesson else None)
        or (target if scope == "teacher" else None)  # a teacher check's remarks go to them
    )
    _check_subject(cmd, lesson_id, class_id, subject_id)
    _check_teacher(teacher_id, known_staff)
    if scope == "teacher" and teacher_id != target:
        raise InvalidRemark(f"this check is of teacher '{target}'")
    if scope == "class" and class_id not in {None, target}:
        raise InvalidRemark(f"this check is of class '{target}'")
    return RemarkIssued(
        remark_id=cmd.remark_id,
        teacher_id=str(teacher_id),
        about=cmd.about,
        text=cmd.text,
        lesson_id=lesson_id,
        class_id=class_id,
        subject_id=subject_id,
        finding_id=cmd.finding_id,
    )


def _finding(
    finding_id: str | None, opened_with: Mapping[str, Finding], now: tuple[Finding, ...]
) -> Finding | None:
    if finding_id is None:
        return None
    found = opened_with.get(finding_id) or next(
        (f for f in now if f.finding_id == finding_id), None
    )
    if found is None:
        raise InvalidRemark(f"'{finding_id}' is not a finding of this check")
    return found


def _of(finding: Finding | None, name: str) -> str | None:
    value = None if finding is None else getattr(finding, name)
    return value if isinstance(value, str) else None


def _one(what: str, given: str | None, *derived: str | None) -> str | None:
    """The value given, or the first derived one; a given value must agree with the derived."""
    known = next((value for value in derived if value), None)
    if given and known and given != known:
        raise InvalidRemark(f"the {what} '{given}' is not the {what} of the lesson ('{known}')")
    return given or known


def _check_subject(
    cmd: IssueRemark, lesson_id: str | None, class_id: str | None, subject_id: str | None
) -> None:
    if cmd.about == "lesson" and lesson_id is None:
        raise InvalidRemark("a remark about a lesson names the lesson (or a finding about one)")
    if cmd.about == "class_subject" and (class_id is None or subject_id is None):
        raise InvalidRemark("a remark about a class-subject names the class and the subject")


def _check_teacher(teacher_id: str | None, known_staff: frozenset[str]) -> None:
    if not teacher_id:
        raise InvalidRemark("whom is the remark addressed to? name the teacher")
    if teacher_id not in known_staff:
        raise InvalidRemark(f"teacher '{teacher_id}' is not on the staff")
