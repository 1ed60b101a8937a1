"""A class as the exporter keeps it, the kernel's class (`kernel.classes.apply_class`: its row,
the pupils' membership intervals, the teaching assignments), and as the diary sees it.

The timetable is not exported (lessons carry their own slot); reasons of leaving are not
exported either. Events before the class is opened are ignored: there is nothing to show yet.
The kernel keeps the intervals as a set; the record lists them in the order the pupils joined,
so the state keeps that order beside them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, NamedTuple

from contracts.base import Event
from kernel import Assignment, ClassDoc, ClassRow, Fact, Membership
from kernel.classes import apply_class
from services.exporter.domain.docs import Content
from services.exporter.domain.stored import load_row

Pseudonym = Callable[[str], str]
Joined = tuple[str, dt.date]
"""(pupil id, since): an interval of membership by its start."""


class ClassState(NamedTuple):
    """The kernel's class, and its intervals' starts in the order the pupils joined."""

    doc: ClassDoc
    joined: tuple[Joined, ...] = ()


def fold_class(state: ClassState | None, fact: Fact, _fold_id: str) -> ClassState | None:
    """The class after `fact`: None before it is opened, `state` itself when the event was
    folded already (the kernel's `last_seq`)."""
    doc = apply_class(None if state is None else state.doc, fact)
    if doc is None:
        return None
    if state is None:
        return ClassState(doc)
    if doc is state.doc:
        return state
    known = set(state.joined)
    opened = sorted((m.pupil_id, m.since) for m in doc.memberships - state.doc.memberships)
    joined = state.joined + tuple(key for key in opened if key not in known)
    return ClassState(doc, joined)


def class_content(state: ClassState, pseudonym: Pseudonym) -> Content:
    """What the class's record says (`ClassRecord.content()`: JSON-ready): members in the order
    they joined, assignments sorted (a set: equal sets look equal)."""
    row = state.doc.row
    order = {key: at for at, key in enumerate(state.joined)}
    members = sorted(state.doc.memberships, key=lambda m: order[m.pupil_id, m.since])
    return {
        "class_id": row.class_id,
        "grade": row.grade,
        "label": row.label,
        "class_teacher_id": row.class_teacher_id,
        "members": [
            {
                "pupil": pseudonym(m.pupil_id),
                "since": m.since.isoformat(),
                "last_day": None if m.last_day is None else m.last_day.isoformat(),
            }
            for m in members
        ],
        "teaching": [
            {"teacher_id": a.teacher_id, "subject_id": a.subject_id, "group": a.grp}
            for a in _sorted(state.doc.assignments)
        ],
    }


def same_class(before: ClassState, after: ClassState, _event: Event) -> bool:
    """Whether the class's record says the same: everything the kernel keeps of a class but
    its sequence is exported (the order of joining follows the intervals)."""
    old, new = before.doc, after.doc
    return (
        old.row._replace(last_seq=0) == new.row._replace(last_seq=0)
        and old.memberships == new.memberships
        and old.assignments == new.assignments
    )


def _sorted(assignments: frozenset[Assignment]) -> list[Assignment]:
    """The assignments in a fixed order (as the record lists them)."""
    return sorted(assignments, key=lambda a: (a.teacher_id, a.subject_id, a.grp or ""))


def dump_class(state: ClassState) -> list[Any]:
    """What is stored (`services.exporter.domain.stored`): [row, intervals, assignments,
    starts in order of joining], the sets sorted (a set's order differs from process to
    process)."""
    doc = state.doc
    intervals = sorted(doc.memberships, key=lambda m: (m.pupil_id, m.since))
    return [doc.row, intervals, _sorted(doc.assignments), state.joined]


def load_class(stored: list[Any]) -> ClassState:
    """The state `dump_class` stored."""
    row, memberships, assignments, joined = stored
    doc = ClassDoc(
        load_row(ClassRow, row),
        frozenset(load_row(Membership, m) for m in memberships),
        frozenset(load_row(Assignment, a) for a in assignments),
    )
    return ClassState(doc, tuple((pupil, dt.date.fromisoformat(since)) for pupil, since in joined))
