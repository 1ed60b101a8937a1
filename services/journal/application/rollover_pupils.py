"""After the rollover, one pupil at a time: undo a mistaken move, record the right one, clear
an academic debt, and the status of every pupil's outcome.

Undo and record span two school years (the outcome on the closing year's pupil aggregate, the
membership in the next year's class), so each step's message id names its subject: a retried
request (same command id) records every step once, and finishes a request cut short.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from contracts import subjects
from contracts.journal import PromotionOutcome, PupilOutcomeRecorded
from services.journal.application import roster
from services.journal.application.handling import Meta, Recorded, execute, fold_of
from services.journal.application.ports import Deps
from services.journal.application.rollover_roster import (
    OUTCOME,
    bounded,
    outcome_state,
    setup_state,
    year_roster,
)
from services.journal.domain import commands as c
from services.journal.domain import klass, people, rollover_outcome
from services.journal.domain.errors import (
    ClassNotFound,
    NothingToChange,
    PupilAlreadyInClass,
    PupilNotFound,
)
from services.journal.domain.rollover import ClosingClass, target_of
from services.journal.domain.rollover_outcome import OutcomeState, open_debts
from services.journal.domain.rollover_source import setup_of

FINAL_GRADE = 11


async def _outcome(deps: Deps, meta: Meta, cmd: c.OutcomeCommand) -> Recorded:
    return await execute(
        deps,
        meta,
        subjects.pupil(meta.year, meta.school, cmd.pupil_id),
        OUTCOME,
        lambda state: rollover_outcome.decide(cmd, state, actor=meta.actor),
        shared=True,
    )


async def _class_step(deps: Deps, meta: Meta, class_id: str, cmd: c.ClassCommand) -> Recorded:
    school_state = roster.SCHOOL.fold(
        await deps.store.load(subjects.school_config(meta.year, meta.school))
    )
    return await execute(
        deps,
        meta,
        subjects.school_class(meta.year, meta.school, class_id),
        roster.CLASS,
        lambda state: klass.decide(cmd, state, actor=meta.actor, school=school_state),
        shared=True,
    )


async def undo_outcome(deps: Deps, meta: Meta, pupil_id: str, reason: str) -> list[Recorded]:
    """Undo the pupil's outcome (`meta.year` is the closing year) and withdraw them from the
    next year's class they were moved into (from its first day if it has not begun)."""
    state = await outcome_state(deps, meta.school, meta.year, pupil_id)
    target = state.current or state.last_undone  # the latter when a retry finishes the undo
    recorded = [await _outcome(deps, meta, c.UndoPupilOutcome(pupil_id, reason))]
    if target is not None and target.to_class_id is not None:
        nxt = replace(meta, year=meta.year + 1)
        last_day, withdraw = await _last_day(deps, nxt, target)
        leave = c.RemovePupilFromClass(pupil_id, last_day, reason, withdraw=withdraw)
        recorded.append(await _class_step(deps, nxt, target.to_class_id, leave))
    return recorded


async def _last_day(deps: Deps, nxt: Meta, moved: PupilOutcomeRecorded) -> tuple[dt.date, bool]:
    """The day before the move took effect, if it has not yet (a withdrawal); else today."""
    assert moved.to_class_id is not None  # noqa: S101 - checked by the caller
    subject = subjects.school_class(nxt.year, nxt.school, moved.to_class_id)
    state = roster.CLASS.fold(await deps.store.load(subject))
    open_since = [s for s, last in state.memberships.get(moved.pupil_id, ()) if last is None]
    today = deps.clock.today()
    if open_since and today < open_since[0]:
        return open_since[0] - dt.timedelta(days=1), True
    return today, False


@dataclass(frozen=True, slots=True)
class NewOutcome:
    """The administrator's outcome for one pupil; the class defaults as the rollover plans it."""

    outcome: PromotionOutcome
    debts: tuple[str, ...] = ()
    to_class_id: str | None = None
    final_grade: int = FINAL_GRADE


async def record_outcome(deps: Deps, meta: Meta, pupil_id: str, new: NewOutcome) -> list[Recorded]:
    """Record the pupil's outcome and move them: registered in the next year, joining the
    class (from the next year's first day, or today once it has begun)."""
    roster_now = await year_roster(deps, meta.school, meta.year)
    from_class = roster_now.members_at_end().get(pupil_id)
    if from_class is None:
        msg = f"pupil '{pupil_id}' is in no class on the year's last day"
        raise PupilNotFound(msg)
    k = next(k for k in roster_now.classes if k.class_id == from_class)
    closing = ClosingClass(k.class_id, k.grade, k.label, k.class_teacher_id, (), ())
    to_class = new.to_class_id if new.outcome != "graduated" else None
    to_class = to_class or target_of(closing, new.outcome)
    nxt = replace(meta, year=meta.year + 1)
    recorded: list[Recorded] = []
    if to_class is not None:
        await _require_class(deps, nxt, to_class)  # before anything is recorded
        recorded += await _register_next(deps, meta, nxt, pupil_id)
    cmd = c.RecordPupilOutcome(pupil_id, new.outcome, to_class, new.debts)
    recorded.append(await _outcome(deps, meta, cmd))
    if to_class is not None:
        next_setup = setup_of(await setup_state(deps, meta.school, nxt.year))
        since = max(next_setup.starts_on, deps.clock.today())
        try:
            join = c.AddPupilToClass(pupil_id, since)
            recorded.append(await _class_step(deps, nxt, to_class, join))
        except PupilAlreadyInClass:
            pass  # already there: the move is in place
    return recorded


async def _require_class(deps: Deps, nxt: Meta, class_id: str) -> None:
    subject = subjects.school_class(nxt.year, nxt.school, class_id)
    if not roster.CLASS.fold(await deps.store.load(subject)).opened:
        msg = f"there is no class '{class_id}' in {nxt.year}/{nxt.year + 1}: open it first"
        raise ClassNotFound(msg)


async def _register_next(deps: Deps, meta: Meta, nxt: Meta, pupil_id: str) -> list[Recorded]:
    """Copy the pupil's record into the next year (nothing when it is there already)."""
    record = await fold_of(deps, roster.PUPIL, subjects.pupil(meta.year, meta.school, pupil_id))
    if not record.registered:
        msg = f"pupil '{pupil_id}' is not registered in the school year"
        raise PupilNotFound(msg)
    if record.birth_date is None:  # their personal data was erased: nothing to copy, the key
        return []  # is gone; they go on by id (the class journal joins their record if any)
    cmd = c.RegisterPupil(pupil_id, record.full_name, record.birth_date)
    try:
        return [
            await execute(
                deps,
                nxt,
                subjects.pupil(nxt.year, nxt.school, pupil_id),
                roster.PUPIL,
                lambda state: people.decide_pupil(cmd, state, actor=nxt.actor),
                shared=True,
            )
        ]
    except NothingToChange:
        return []


async def clear_debt(
    deps: Deps, meta: Meta, pupil_id: str, subject_id: str, cleared_on: dt.date | None
) -> Recorded:
    """The pupil cleared the academic debt in the subject (today unless a date is given)."""
    cmd = c.ClearAcademicDebt(pupil_id, subject_id, cleared_on or deps.clock.today())
    return await _outcome(deps, meta, cmd)


@dataclass(frozen=True, slots=True)
class PupilStatus:
    """One pupil's year-end: where they were, their outcome now and their open debts."""

    pupil_id: str
    from_class: str
    state: OutcomeState

    @property
    def open_debts(self) -> tuple[str, ...]:
        return open_debts(self.state)


@dataclass(frozen=True, slots=True)
class RolloverStatus:
    """The rollover of a year as it stands."""

    year: int
    closed_into: int | None
    pupils: tuple[PupilStatus, ...]


async def status(deps: Deps, school: str, year: int) -> RolloverStatus:
    """Every pupil of the year's last day with their outcome (read from the store)."""
    roster_now = await year_roster(deps, school, year)
    members = roster_now.members_at_end()

    async def one(pupil_id: str) -> PupilStatus:
        return PupilStatus(
            pupil_id, members[pupil_id], await outcome_state(deps, school, year, pupil_id)
        )

    pupils = await bounded(sorted(members), one)
    return RolloverStatus(year, roster_now.setup.closed_into, tuple(pupils))
