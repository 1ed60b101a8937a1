"""The staff directory of a school year: who teaches, by surname and initials, and what.

The names of teaching staff are public by law (schools publish them on their sites), so the
diary may show «Иванова А. В.» rather than `t023`. Nobody else's name crosses: a member of staff
who teaches no subject that year (a director, a secretary, a teacher without assignments) is
not in the directory, and no full name is in it. Two documents per school year, both with the
school id as their id:

- the *roll* (`ROLL`, never published): every member of staff's short name, computed as the
  event is folded (the full name is not kept even here), and every teaching assignment
  (teacher, subject, class, group): what it takes to know, after any event, who teaches what;
- the *directory* (kind `staff`, a `StaffDirectoryRecord`): derived from the roll, and changed
  (its `seq` moved) only when what it says changes, so a delta publishes it exactly when an
  event changed it, and a full export of the same history holds the same record.

Fed by the journal's staff aggregates (names) and class aggregates (teaching assignments).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, NamedTuple

from contracts.base import Event
from contracts.journal import (
    PersonErased,
    StaffMemberRegistered,
    TeachingAssigned,
    TeachingUnassigned,
)
from contracts.personal import ERASED
from services.exporter.domain.docs import ROLL, Content, Folded
from services.exporter.domain.short_names import short_name

STAFF_AGGREGATES: Final = frozenset({"staff", "class", "erasure"})
"""The journal aggregate kinds whose events may change the roll."""


class Assigned(NamedTuple):
    """A teacher teaches a subject to a class (or one of its groups)."""

    teacher_id: str
    subject_id: str
    class_id: str
    group: str | None = None


class Roll(NamedTuple):
    """Every member of staff's short name by staff id, and every teaching assignment (sorted,
    so that equal sets look equal)."""

    names: Mapping[str, str] = MappingProxyType({})
    teaching: tuple[Assigned, ...] = ()


class Listed(NamedTuple):
    """A teacher in the directory: short name, and the subjects taught (sorted)."""

    staff_id: str
    short_name: str
    subjects: tuple[str, ...]


class Directory(NamedTuple):
    """The school year's directory: its teachers by staff id."""

    school_id: str
    teachers: tuple[Listed, ...] = ()


def fold_roll(roll: Roll | None, event: Event, class_id: str) -> Roll | None:
    """The roll after `event` (`class_id`: the class of a class aggregate's event), or None
    when the event changes nothing in it."""
    base = roll if roll is not None else Roll()
    match event:
        case StaffMemberRegistered(full_name=name) if name != ERASED:
            changed = base._replace(names={**base.names, event.staff_id: short_name(name)})
        case StaffMemberRegistered(staff_id=staff_id) | PersonErased(kind="staff", person=staff_id):
            # Erased: no name to show, so the directory leaves them out (read again from
            # sequence 1, their registration reads «[удалено]»: the same roll).
            names = {k: v for k, v in base.names.items() if k != staff_id}
            changed = base._replace(names=names)
        case TeachingAssigned() | TeachingUnassigned():
            changed = base._replace(teaching=_teaching(base.teaching, event, class_id))
        case _:
            return None
    return None if changed == roll else changed


def _teaching(
    teaching: tuple[Assigned, ...], event: TeachingAssigned | TeachingUnassigned, class_id: str
) -> tuple[Assigned, ...]:
    """The assignments after the event, sorted so that equal sets look equal."""
    entry = Assigned(event.teacher_id, event.subject_id, class_id, event.group)
    others = [t for t in teaching if t != entry]
    if isinstance(event, TeachingAssigned):
        others.append(entry)
    return tuple(sorted(others, key=lambda t: (*t[:3], t.group or "")))


def directory(roll: Roll, school_id: str) -> Directory:
    """The directory a roll says: every named member of staff with at least one assignment,
    by staff id, with the subjects of their assignments (a teacher assigned but not registered
    in the year has no name to show, and is left out until registered)."""
    subjects: dict[str, set[str]] = defaultdict(set)
    for assignment in roll.teaching:
        subjects[assignment.teacher_id].add(assignment.subject_id)
    teachers = tuple(
        Listed(staff_id, roll.names[staff_id], tuple(sorted(subjects[staff_id])))
        for staff_id in sorted(subjects)
        if staff_id in roll.names
    )
    return Directory(school_id, teachers)


def directory_content(listed: Directory) -> Content:
    """What the directory's record says (`StaffDirectoryRecord.content()`: JSON-ready)."""
    return {
        "school_id": listed.school_id,
        "teachers": [
            {"staff_id": t.staff_id, "short_name": t.short_name, "subjects": list(t.subjects)}
            for t in listed.teachers
        ],
    }


def evolve_staff(
    roll: Folded | None,
    listed: Folded | None,
    event: Event,
    *,
    school: str,
    class_id: str,
    seq: int,
) -> tuple[Folded | None, Folded | None]:
    """The roll and the directory after `event`, stored at journal sequence `seq`.

    Each is answered as given when unchanged: an event at or below the roll's `seq` was folded
    already; the directory is only written once it has a teacher to list.
    """
    if roll is not None and seq <= roll.seq:
        return roll, listed
    after = fold_roll(None if roll is None else _roll(roll), event, class_id)
    if after is None:
        return roll, listed
    now = directory(after, school)
    unchanged = listed.state == now if listed is not None else not now.teachers
    return Folded(ROLL, school, seq, after), listed if unchanged else Folded(
        "staff", school, seq, now
    )


def _roll(doc: Folded) -> Roll:
    if not isinstance(doc.state, Roll):
        msg = f"not a staff roll: {doc.kind} {doc.record_id}"
        raise TypeError(msg)
    return doc.state
