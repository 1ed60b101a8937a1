"""Erasing a person's personal data: the record that it was done (`PersonErased`), decided once.

The erasure of a pupil or a member of staff is one aggregate per school year and person
(`contracts.subjects.erasure`). Recording it comes first; destroying the person's keys
(crypto-shredding, `services.common.keystore`) follows in the application layer, so the audit
always knows who erased whom and why, even if the destruction is interrupted (a retry finishes
it). A person erased before, in this year or another, is not erased again: `PersonAlreadyErased`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from contracts.base import Event
from contracts.envelope import Actor
from contracts.journal import PersonErased
from services.journal.domain.errors import Conflict, NotFound
from services.journal.domain.school import require_admin

ErasedKind = Literal["pupil", "staff"]


class PersonNotFound(NotFound):
    """Neither the key store nor the roster of any school year knows the person."""


class PersonAlreadyErased(Conflict):
    """The person's data was erased before (by another request, or by the retention rule)."""

    def __init__(self, kind: str, person: str, earlier: PersonErased | None = None) -> None:
        super().__init__(f"the personal data of {kind} '{person}' was erased already")
        self.earlier = earlier


@dataclass(frozen=True, slots=True)
class ErasePerson:
    """Erase a pupil's or a member of staff's personal data; `applications` are the ids of the
    applications whose applicants' data goes with a pupil's (their keys are destroyed too)."""

    kind: ErasedKind
    person: str
    reason: str
    applications: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ErasureState:
    """The erasure recorded on the aggregate, if any."""

    erased: PersonErased | None = None


INITIAL = ErasureState()


def decide(
    cmd: ErasePerson, state: ErasureState, *, actor: Actor, erased_before: bool
) -> list[Event]:
    """Record the erasure, unless it is recorded already or the person's key was destroyed
    before (`erased_before`: erased under another school year's aggregate, or by hand)."""
    match cmd:
        case ErasePerson():
            require_admin(actor, "erasing personal data")
            if state.erased is not None:
                raise PersonAlreadyErased(cmd.kind, cmd.person, state.erased)
            if erased_before:
                raise PersonAlreadyErased(cmd.kind, cmd.person)
            return [
                PersonErased(
                    kind=cmd.kind,
                    person=cmd.person,
                    applications=tuple(sorted(cmd.applications)),
                    reason=cmd.reason,
                )
            ]
        case _:
            raise TypeError(f"not an erasure command: {cmd!r}")


def evolve(state: ErasureState, event: Event) -> ErasureState:
    """The first erasure recorded stays the erasure; other events leave the state alone."""
    match event:
        case PersonErased() if state.erased is None:
            return ErasureState(event)
        case _:
            return state
