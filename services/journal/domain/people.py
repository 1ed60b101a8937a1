"""Members of staff and pupils: who they are, as the school records them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from contracts.base import Event
from contracts.envelope import Actor
from contracts.journal import PupilRegistered, StaffMemberRegistered
from services.journal.domain.commands import RegisterPupil, RegisterStaffMember
from services.journal.domain.errors import NothingToChange
from services.journal.domain.school import require_admin


@dataclass(frozen=True, slots=True)
class StaffState:
    """A member of staff; `registered` is False until the first registration."""

    registered: bool = False
    staff_id: str = ""
    full_name: str = ""
    position: str = ""


@dataclass(frozen=True, slots=True)
class PupilState:
    """A pupil's personal record; `registered` is False until the first registration."""

    registered: bool = False
    pupil_id: str = ""
    full_name: str = ""
    birth_date: dt.date | None = None


_Record = TypeVar("_Record", StaffState, PupilState)
STAFF_INITIAL = StaffState()
PUPIL_INITIAL = PupilState()


def decide_staff(cmd: RegisterStaffMember, state: StaffState, *, actor: Actor) -> list[Event]:
    """Register a member of staff, or record a change of name or position."""
    match cmd:
        case RegisterStaffMember():
            require_admin(actor, "registering staff")
            event = StaffMemberRegistered(
                staff_id=cmd.staff_id, full_name=cmd.full_name, position=cmd.position
            )
            return _unless_unchanged(state, evolve_staff, event, f"staff member '{cmd.staff_id}'")
        case _:
            raise TypeError(f"not a staff command: {cmd!r}")


def evolve_staff(state: StaffState, event: Event) -> StaffState:
    """The staff record after one event; other events leave it alone."""
    match event:
        case StaffMemberRegistered():
            return StaffState(True, event.staff_id, event.full_name, event.position)
        case _:
            return state


def decide_pupil(cmd: RegisterPupil, state: PupilState, *, actor: Actor) -> list[Event]:
    """Register a pupil, or record a change of name or birth date."""
    match cmd:
        case RegisterPupil():
            require_admin(actor, "registering pupils")
            event = PupilRegistered(
                pupil_id=cmd.pupil_id, full_name=cmd.full_name, birth_date=cmd.birth_date
            )
            return _unless_unchanged(state, evolve_pupil, event, f"pupil '{cmd.pupil_id}'")
        case _:
            raise TypeError(f"not a pupil command: {cmd!r}")


def evolve_pupil(state: PupilState, event: Event) -> PupilState:
    """The pupil record after one event; other events leave it alone."""
    match event:
        case PupilRegistered():
            return PupilState(True, event.pupil_id, event.full_name, event.birth_date)
        case _:
            return state


def _unless_unchanged(
    state: _Record, evolve: Callable[[_Record, Event], _Record], event: Event, who: str
) -> list[Event]:
    """The registration, unless it would leave a registered record as it is."""
    if state == evolve(state, event) and state.registered:
        msg = f"{who} is already registered with these details"
        raise NothingToChange(msg)
    return [event]
