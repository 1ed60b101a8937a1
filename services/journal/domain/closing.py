"""Closing periods and the school's grading rules, on the school configuration aggregate, and
the rule every edit of a closed period (or a sealed year) passes: refused, unless it is an
explicit correction with a reason by the administrator or the deputy director.

Why those two roles: the administrator closes periods and keeps the journal, the deputy director
checks it every month (DESIGN.md §1); a teacher who finds a mistake in a closed period asks one
of them, so every late change has a second person behind it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal, TypeVar

from contracts.base import Event
from contracts.envelope import Actor
from contracts.journal import YEAR_PERIODS, GradingRulesSet, PeriodClosed, PeriodReopened
from kernel.grading import ROUNDING_RULES
from services.journal.domain import errors
from services.journal.domain.commands import (
    ClosePeriod,
    ClosingCommand,
    ReopenPeriod,
    SetGradingRules,
)
from services.journal.domain.school import SchoolConfig, period_of, require_admin

CORRECTORS = frozenset({"admin", "deputy"})
"""The roles that may correct a closed period (with a reason)."""
MIN_MARKS_LIMIT = 50
MIN_REASON = 3  # the contract's CorrectionReason: at least three characters

E = TypeVar("E", bound=Event)


@dataclass(frozen=True, slots=True)
class Lock:
    """Why something may no longer change: its period is closed, or the whole year is sealed."""

    kind: Literal["period", "year"]
    period_id: str | None = None

    def refusal(self, what: str) -> errors.DomainError:
        """The error refusing an ordinary edit of `what`."""
        how = "a correction with a reason by the administrator or the deputy director"
        if self.kind == "year":
            return errors.YearClosed(f"the school year is closed: {what} changes only by {how}")
        msg = f"period '{self.period_id}' is closed: {what} changes only by {how}"
        return errors.PeriodClosed(msg)


def decide(cmd: ClosingCommand, state: SchoolConfig, *, actor: Actor) -> list[Event]:
    """Decide a grading-rules or closing command on the school configuration: one event."""
    match cmd:
        case SetGradingRules():
            require_changeable(state, actor, "setting the grading rules")
            return [_grading_rules(cmd, state)]
        case ClosePeriod(period_id=period_id):
            require_changeable(state, actor, f"closing period '{period_id}'")
            _require_period(state, period_id)
            if period_id in state.closed_periods:
                msg = f"period '{period_id}' is already closed"
                raise errors.PeriodAlreadyClosed(msg)
            return [PeriodClosed(period_id=period_id)]
        case ReopenPeriod(period_id=period_id, reason=reason):
            require_changeable(state, actor, f"reopening period '{period_id}'")
            _require_period(state, period_id)
            if period_id not in state.closed_periods:
                msg = f"period '{period_id}' is not closed"
                raise errors.PeriodNotClosed(msg)
            if not reason.strip():
                msg = f"reopening period '{period_id}' needs a reason"
                raise errors.ReasonRequired(msg)
            return [PeriodReopened(period_id=period_id, reason=reason)]
        case _:
            raise TypeError(f"not a closing command: {cmd!r}")


def period_ids(state: SchoolConfig, grade: int | None = None) -> tuple[str, ...]:
    """Every period a mark may be set for in `grade` (None: in any grade): its terms, then year,
    exam and final."""
    terms = state.plan.all_periods() if grade is None else state.plan.periods_of(grade)
    return (*(p.period_id for p in terms), *YEAR_PERIODS)


def span_of(state: SchoolConfig, period_id: str) -> tuple[dt.date, dt.date] | None:
    """The dates of a period (year, exam and final: the whole year); None when unknown."""
    term = state.plan.find_period(period_id)
    if term is not None:
        return term.starts_on, term.ends_on
    if period_id in YEAR_PERIODS and state.starts_on is not None and state.ends_on is not None:
        return state.starts_on, state.ends_on
    return None


def lesson_lock(state: SchoolConfig, date: dt.date, grade: int) -> Lock | None:
    """What locks the lessons of a class of `grade` on a date: the sealed year, or the closed
    term of that grade it falls in."""
    if state.sealed:
        return Lock("year")
    term = period_of(state, date, grade)
    if term is not None and term.period_id in state.closed_periods:
        return Lock("period", term.period_id)
    return None


def period_lock(state: SchoolConfig, period_id: str) -> Lock | None:
    """What locks the marks of a period: the sealed year, or the period being closed."""
    if state.sealed:
        return Lock("year")
    if period_id in state.closed_periods:
        return Lock("period", period_id)
    return None


def correction(lock: Lock | None, actor: Actor, reason: str | None, what: str) -> str | None:
    """The correction reason an edit records, after the closed-period rule.

    Open: no reason wanted (None). Closed: a reason, given by an administrator or deputy.
    """
    if lock is None:
        if reason is not None:
            msg = f"{what} is in an open period: it needs no correction reason"
            raise errors.CorrectionNotNeeded(msg)
        return None
    if reason is None:
        raise lock.refusal(what)
    if actor.role not in CORRECTORS:
        msg = (
            f"a closed period is corrected by the administrator or the deputy director; "
            f"'{actor.id}' acts as {actor.role}"
        )
        raise errors.CorrectionNotAllowed(msg)
    text = reason.strip()
    if len(text) < MIN_REASON:
        msg = f"the correction of {what} needs a reason of at least {MIN_REASON} characters"
        raise errors.ReasonRequired(msg)
    return text


def flagged(event: E, reason: str | None) -> E:
    """The event with its correction reason set (the event itself when none)."""
    return event if reason is None else event.model_copy(update={"correction_reason": reason})


def require_changeable(state: SchoolConfig, actor: Actor, action: str) -> None:
    require_admin(actor, action)
    if not state.opened:
        msg = f"{action} needs an opened school year"
        raise errors.SchoolYearNotOpen(msg)
    if state.sealed:
        raise Lock("year").refusal(action)


def _require_period(state: SchoolConfig, period_id: str) -> None:
    if span_of(state, period_id) is None:
        known = ", ".join(period_ids(state))
        msg = f"there is no period '{period_id}' in the school year ({known})"
        raise errors.PeriodNotFound(msg)


def _grading_rules(cmd: SetGradingRules, state: SchoolConfig) -> GradingRulesSet:
    if cmd.rounding not in ROUNDING_RULES:
        known = ", ".join(ROUNDING_RULES)
        msg = f"unknown rounding rule '{cmd.rounding}' (known: {known})"
        raise errors.InvalidGradingRules(msg)
    if not 0 <= cmd.min_marks <= MIN_MARKS_LIMIT:
        msg = f"the minimum number of marks must be 0..{MIN_MARKS_LIMIT}, not {cmd.min_marks}"
        raise errors.InvalidGradingRules(msg)
    current = state.grading
    if (current.rounding, current.min_marks) == (cmd.rounding, cmd.min_marks):
        msg = f"the grading rules are already {cmd.rounding} with {cmd.min_marks} marks"
        raise errors.NothingToChange(msg)
    return GradingRulesSet(
        version=current.version + 1, rounding=cmd.rounding, min_marks=cmd.min_marks
    )
