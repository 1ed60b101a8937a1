"""How a pupil ends the school year, on the pupil's aggregate of the closing year, and the
sealing of the year itself.

The pupil aggregate (`contracts.subjects.pupil`) carries the personal record (see `people`)
and, at the year's end, the outcome: recorded once, undone by a compensating event (never
edited), recorded again; academic debts of a conditional promotion stay open until cleared.
These facts are recorded after the year is sealed too: they are the rollover's own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from contracts.base import Event
from contracts.envelope import Actor
from contracts.journal import (
    AcademicDebtCleared,
    PupilOutcomeRecorded,
    PupilOutcomeUndone,
    PupilRegistered,
    SchoolYearClosed,
)
from services.journal.domain import errors
from services.journal.domain.commands import (
    ClearAcademicDebt,
    CloseSchoolYear,
    OutcomeCommand,
    RecordPupilOutcome,
    UndoPupilOutcome,
)
from services.journal.domain.school import SchoolConfig, require_admin


@dataclass(frozen=True, slots=True)
class OutcomeState:
    """The pupil's year-end as their events built it; `current` is None when none is in force."""

    registered: bool = False
    current: PupilOutcomeRecorded | None = None
    cleared: Mapping[str, dt.date] = field(default_factory=dict)
    undone: int = 0
    last_undone: PupilOutcomeRecorded | None = None


INITIAL = OutcomeState()


def open_debts(state: OutcomeState) -> tuple[str, ...]:
    """The debts of the current outcome not cleared yet."""
    if state.current is None:
        return ()
    return tuple(d for d in state.current.debts if d not in state.cleared)


def decide(cmd: OutcomeCommand, state: OutcomeState, *, actor: Actor) -> list[Event]:
    """Record, undo an outcome, or clear a debt: one event, or a DomainError."""
    require_admin(actor, "recording the pupils' outcomes of the year")
    match cmd:
        case RecordPupilOutcome():
            return [_record(cmd, state)]
        case UndoPupilOutcome(pupil_id=pupil, reason=reason):
            if state.current is None:
                msg = f"pupil '{pupil}' has no outcome of the year to undo"
                raise errors.NoOutcome(msg)
            if not reason.strip():
                msg = f"undoing the outcome of pupil '{pupil}' needs a reason"
                raise errors.ReasonRequired(msg)
            return [PupilOutcomeUndone(pupil_id=pupil, reason=reason)]
        case ClearAcademicDebt(pupil_id=pupil, subject_id=subject, cleared_on=day):
            if subject not in open_debts(state):
                open_now = list(open_debts(state))
                msg = f"pupil '{pupil}' has no open debt in '{subject}' (open: {open_now})"
                raise errors.DebtNotOpen(msg)
            return [AcademicDebtCleared(pupil_id=pupil, subject_id=subject, cleared_on=day)]
        case _:
            raise TypeError(f"not an outcome command: {cmd!r}")


def evolve(state: OutcomeState, event: Event) -> OutcomeState:
    """The pupil's year-end after one event; other events leave it alone."""
    match event:
        case PupilRegistered():
            return replace(state, registered=True)
        case PupilOutcomeRecorded():
            return replace(state, current=event, cleared={})
        case PupilOutcomeUndone():
            return replace(
                state,
                current=None,
                cleared={},
                undone=state.undone + 1,
                last_undone=state.current,
            )
        case AcademicDebtCleared():
            return replace(state, cleared={**state.cleared, event.subject_id: event.cleared_on})
        case _:
            return state


def decide_close(cmd: CloseSchoolYear, state: SchoolConfig, *, actor: Actor) -> list[Event]:
    """Seal the school year: after it, its journal changes only by flagged corrections."""
    require_admin(actor, "closing the school year")
    if not state.opened:
        msg = "closing the school year needs an opened school year"
        raise errors.SchoolYearNotOpen(msg)
    if state.sealed:
        msg = f"the school year {state.starts_on}..{state.ends_on} is closed already"
        raise errors.YearClosed(msg)
    return [SchoolYearClosed(next_year=cmd.next_year)]


def _record(cmd: RecordPupilOutcome, state: OutcomeState) -> PupilOutcomeRecorded:
    pupil = cmd.pupil_id
    if not state.registered:
        msg = f"pupil '{pupil}' is not registered in the school year"
        raise errors.PupilNotFound(msg)
    _check(cmd)
    event = PupilOutcomeRecorded(
        pupil_id=pupil, outcome=cmd.outcome, to_class_id=cmd.to_class_id, debts=cmd.debts
    )
    current = state.current
    if current is not None:
        recorded = f"{current.outcome} into {current.to_class_id or '(none)'}"
        if current == event:
            msg = f"pupil '{pupil}' is already recorded as {recorded}"
            raise errors.NothingToChange(msg)
        msg = f"pupil '{pupil}' is already recorded as {recorded}: undo it first"
        raise errors.OutcomeAlreadyRecorded(msg)
    return event


def _check(cmd: RecordPupilOutcome) -> None:
    problem = None
    conditional = cmd.outcome == "promoted_conditionally"
    if conditional and not cmd.debts:
        problem = "a conditional promotion needs at least one academic debt"
    elif cmd.debts and not conditional:
        problem = f"only a conditional promotion carries debts, not {cmd.outcome}"
    elif len(set(cmd.debts)) != len(cmd.debts):
        problem = "a debt is listed twice"
    elif (cmd.outcome == "graduated") != (cmd.to_class_id is None):
        problem = "a graduate joins no class; every other outcome joins one"
    if problem is not None:
        raise errors.InvalidOutcome(f"pupil '{cmd.pupil_id}': {problem}")
