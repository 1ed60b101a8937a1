"""The monthly check of the journal (DESIGN.md §1, §5): one aggregate per check.

The deputy director opens a check of a month for the school, a class or a teacher, with the
automated findings as they stand; issues remarks, each addressed to a teacher; the teacher marks
a remark done; the deputy confirms it or reopens it; the deputy closes the check, after which
nothing of it changes.

A remark about a finding that no longer holds is *fixed automatically*: the deputy may confirm
(or reopen) it without the teacher marking it done. Whether it still holds is reference data
(the findings of its lesson now), computed by the caller with `services.journal.domain.findings`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

from contracts.base import Event
from contracts.envelope import Actor
from contracts.journal import (
    CheckScope,
    Finding,
    MonthlyCheckClosed,
    MonthlyCheckOpened,
    RemarkAbout,
    RemarkConfirmed,
    RemarkIssued,
    RemarkReopened,
    RemarkResolved,
)
from services.journal.domain.commands import (
    CheckCommand,
    CloseMonthlyCheck,
    ConfirmRemark,
    IssueRemark,
    OpenMonthlyCheck,
    ReopenRemark,
    ResolveRemark,
)
from services.journal.domain.errors import (
    AlreadyExists,
    CheckClosed,
    CheckNotFound,
    InvalidCheck,
    NotRemarkTeacher,
    RemarkAlreadyResolved,
    RemarkNotAwaitingConfirmation,
    RemarkNotFound,
    RoleNotAllowed,
)
from services.journal.domain.findings import LessonFacts
from services.journal.domain.remarks import CheckScopeInfo, new_remark

RemarkStatus = Literal["issued", "resolved", "confirmed", "reopened"]
MAX_FINDINGS = 4000
"""The most findings one check records: they travel in one event (about 200 bytes each), which
must stay well under the server's largest message (1 MB by default)."""
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True, slots=True)
class RemarkState:
    """A remark as its events built it."""

    remark_id: str
    teacher_id: str
    about: RemarkAbout
    lesson_id: str | None = None
    class_id: str | None = None
    subject_id: str | None = None
    finding_id: str | None = None
    status: RemarkStatus = "issued"


@dataclass(frozen=True, slots=True)
class CheckState:
    """A check; `opened` is False until it is opened."""

    opened: bool = False
    check_id: str = ""
    month: str = ""
    scope: CheckScope = "school"
    target_id: str | None = None
    findings: Mapping[str, Finding] = field(default_factory=dict)
    remarks: Mapping[str, RemarkState] = field(default_factory=dict)
    closed: bool = False


INITIAL = CheckState()


@dataclass(frozen=True, slots=True)
class Reference:
    """What a check command is decided against, read by the caller before deciding.

    `findings`: the findings now (of the scope when opening; of the lesson a remark is or will
    be about otherwise). `lesson`: the lesson a new remark names. `known_staff`: the staff ids
    (a remark's teacher and a teacher check's target must be among them). `known_class`:
    whether the target class of a class check exists.
    """

    today: dt.date
    findings: tuple[Finding, ...] = ()
    lesson: LessonFacts | None = None
    known_staff: frozenset[str] = frozenset()
    known_class: bool = True


def month_range(month: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a `YYYY-MM` month."""
    year, number = int(month[:4]), int(month[5:])
    first = dt.date(year, number, 1)
    following = dt.date(year + number // 12, number % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def auto_fixed(remark: RemarkState, findings_now: tuple[Finding, ...]) -> bool:
    """A remark about a finding is fixed automatically once that finding is no longer found."""
    if remark.finding_id is None:
        return False
    return all(f.finding_id != remark.finding_id for f in findings_now)


def decide(cmd: CheckCommand, state: CheckState, *, actor: Actor, ref: Reference) -> list[Event]:
    """The event a check command records, or a DomainError saying why not."""
    match cmd:
        case OpenMonthlyCheck():
            return [_open(cmd, state, actor, ref)]
        case ResolveRemark(remark_id=remark_id, note=note):
            remark = _remark(state, remark_id)
            if actor.id != remark.teacher_id:
                msg = f"remark '{remark_id}' is addressed to another teacher"
                raise NotRemarkTeacher(msg)
            if remark.status not in {"issued", "reopened"}:
                msg = f"remark '{remark_id}' is {remark.status} already"
                raise RemarkAlreadyResolved(msg)
            return [RemarkResolved(remark_id=remark_id, note=note)]
        case _:
            return [_decide_deputy(cmd, state, actor, ref)]


def _decide_deputy(cmd: CheckCommand, state: CheckState, actor: Actor, ref: Reference) -> Event:
    _require_deputy(actor, "the monthly check")
    _require_open(state)
    match cmd:
        case IssueRemark(remark_id=remark_id):
            if remark_id in state.remarks:
                raise AlreadyExists(f"remark '{remark_id}' exists already")
            return new_remark(cmd, _scope(state), ref.findings, ref.lesson, ref.known_staff)
        case ConfirmRemark(remark_id=remark_id):
            _awaiting_confirmation(_remark(state, remark_id), ref)
            return RemarkConfirmed(remark_id=remark_id)
        case ReopenRemark(remark_id=remark_id, reason=reason):
            _awaiting_confirmation(_remark(state, remark_id), ref)
            return RemarkReopened(remark_id=remark_id, reason=reason)
        case CloseMonthlyCheck():
            return MonthlyCheckClosed()
        case _:
            raise TypeError(f"not a check command: {cmd!r}")


def _scope(state: CheckState) -> CheckScopeInfo:
    return state.scope, state.target_id, state.month, state.findings


def _open(cmd: OpenMonthlyCheck, state: CheckState, actor: Actor, ref: Reference) -> Event:
    _require_deputy(actor, "opening a monthly check")
    if state.opened:
        raise AlreadyExists(f"check '{cmd.check_id}' exists already")
    if not _MONTH.match(cmd.month):
        raise InvalidCheck(f"month {cmd.month!r} is not YYYY-MM")
    if month_range(cmd.month)[0] > ref.today:
        raise InvalidCheck(f"month {cmd.month} has not begun")
    if (cmd.scope == "school") != (cmd.target_id is None):
        raise InvalidCheck("a class or teacher check names its target; a school check does not")
    if cmd.scope == "class" and not ref.known_class:
        raise InvalidCheck(f"class '{cmd.target_id}' is not a class of the school year")
    if cmd.scope == "teacher" and cmd.target_id not in ref.known_staff:
        raise InvalidCheck(f"teacher '{cmd.target_id}' is not on the staff")
    if len(ref.findings) > MAX_FINDINGS:
        msg = (
            f"{cmd.month} has {len(ref.findings)} findings, more than one check holds "
            f"({MAX_FINDINGS}): check a class or a teacher at a time"
        )
        raise InvalidCheck(msg)
    return MonthlyCheckOpened(
        check_id=cmd.check_id,
        month=cmd.month,
        scope=cmd.scope,
        target_id=cmd.target_id,
        findings=ref.findings,
    )


def _require_deputy(actor: Actor, what: str) -> None:
    if actor.role != "deputy":
        raise RoleNotAllowed(f"only the deputy director acts on {what}")


def _require_open(state: CheckState) -> None:
    if not state.opened:
        raise CheckNotFound("no such monthly check")
    if state.closed:
        raise CheckClosed(f"check '{state.check_id}' is closed")


def _remark(state: CheckState, remark_id: str) -> RemarkState:
    _require_open(state)
    remark = state.remarks.get(remark_id)
    if remark is None:
        raise RemarkNotFound(f"no remark '{remark_id}' in check '{state.check_id}'")
    return remark


def _awaiting_confirmation(remark: RemarkState, ref: Reference) -> None:
    if remark.status == "resolved":
        return
    if remark.status == "issued" and auto_fixed(remark, ref.findings):
        return
    msg = (
        f"remark '{remark.remark_id}' is {remark.status}: only a resolved or automatically "
        "fixed remark is confirmed or reopened"
    )
    raise RemarkNotAwaitingConfirmation(msg)


def evolve(state: CheckState, event: Event) -> CheckState:
    """The check after one event; other events leave it alone."""
    match event:
        case MonthlyCheckOpened():
            findings = {f.finding_id: f for f in event.findings}
            return CheckState(
                True, event.check_id, event.month, event.scope, event.target_id, findings
            )
        case RemarkIssued():
            remark = RemarkState(
                event.remark_id,
                event.teacher_id,
                event.about,
                event.lesson_id,
                event.class_id,
                event.subject_id,
                event.finding_id,
            )
            return replace(state, remarks={**state.remarks, remark.remark_id: remark})
        case MonthlyCheckClosed():
            return replace(state, closed=True)
        case _:
            return _evolve_remark(state, event)


_STATUS_AFTER: dict[type[Event], RemarkStatus] = {
    RemarkResolved: "resolved",
    RemarkConfirmed: "confirmed",
    RemarkReopened: "reopened",
}


def _evolve_remark(state: CheckState, event: Event) -> CheckState:
    status = _STATUS_AFTER.get(type(event))
    remark_id = getattr(event, "remark_id", None)
    if status is None or not isinstance(remark_id, str):
        return state
    return _status(state, remark_id, status)


def _status(state: CheckState, remark_id: str, status: RemarkStatus) -> CheckState:
    remark = state.remarks.get(remark_id)
    if remark is None:
        return state
    return replace(state, remarks={**state.remarks, remark_id: replace(remark, status=status)})
