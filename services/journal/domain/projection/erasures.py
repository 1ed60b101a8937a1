"""The erasures' part of the journal view: who was erased, when, by whom and why, and the rows
of the person to blank in every school year (pure; the adapter loads and writes them).

A `PersonErased` event is recorded on the school year in which the erasure was made, but the
person's records are per year: every year's row of a pupil (or member of staff) of the school
reads «[удалено]» afterwards, and a pupil's birth date is gone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from contracts.journal import PersonErased
from kernel.rows import Fact, PupilRow, RowKey, StaffRow
from kernel.school import erase_pupil, erase_staff


class ErasureRow(NamedTuple):
    """One recorded erasure (table `erasures`)."""

    school: str
    year: int
    kind: str
    person: str
    applications: tuple[str, ...]
    reason: str
    actor_id: str
    actor_role: str
    erased_at: dt.datetime
    seq: int


class Erased(NamedTuple):
    """Whose rows an erasure blanks: (school, person) of a pupil or a member of staff."""

    pupils: frozenset[tuple[str, str]]
    staff: frozenset[tuple[str, str]]


def erasure_row(fact: Fact, actor_role: str) -> ErasureRow | None:
    """The row of a `PersonErased` fact (None for any other event)."""
    match fact.event:
        case PersonErased(kind=kind, person=person, applications=apps, reason=reason):
            at = fact.occurred_at or fact.recorded_at
            return ErasureRow(
                fact.school, fact.year, kind, person, apps, reason, fact.actor_id, actor_role,
                at, fact.seq,
            )  # fmt: skip
        case _:
            return None


def erased_by(facts: Iterable[Fact]) -> Erased:
    """The people whose rows a batch's erasures blank (the rows of every year to load)."""
    pupils: set[tuple[str, str]] = set()
    staff: set[tuple[str, str]] = set()
    for fact in facts:
        if isinstance(fact.event, PersonErased):
            (pupils if fact.event.kind == "pupil" else staff).add((fact.school, fact.event.person))
    return Erased(frozenset(pupils), frozenset(staff))


def blank(
    pupils: Mapping[RowKey, PupilRow], staff: Mapping[RowKey, StaffRow], facts: Iterable[Fact]
) -> tuple[dict[RowKey, PupilRow], dict[RowKey, StaffRow]]:
    """The loaded rows (every year's of the erased people) after the batch's erasures, in
    stream order; rows of people not erased by the batch come back unchanged."""
    pupils_after, staff_after = dict(pupils), dict(staff)
    for fact in facts:
        match fact.event:
            case PersonErased(kind="pupil", person=person):
                for key, row in pupils_after.items():
                    if (key[0], key[2]) == (fact.school, person):
                        pupils_after[key] = erase_pupil(row, fact)
            case PersonErased(kind="staff", person=person):
                for key, staff_row in staff_after.items():
                    if (key[0], key[2]) == (fact.school, person):
                        staff_after[key] = erase_staff(staff_row, fact)
            case _:
                pass
    return pupils_after, staff_after
