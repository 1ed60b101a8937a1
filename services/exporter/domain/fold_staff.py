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
from typing import Final

from contracts.base import Event
from contracts.journal import (
    PersonErased,
    StaffMemberRegistered,
    TeachingAssigned,
    TeachingUnassigned,
)
from contracts.personal import ERASED
from services.exporter.domain.docs import ROLL, Content, Doc
from services.exporter.domain.short_names import short_name

STAFF_AGGREGATES: Final = frozenset({"staff", "class", "erasure"})
"""The journal aggregate kinds whose events may change the roll."""


def fold_roll(content: Content | None, event: Event, class_id: str) -> Content | None:
    """The roll after `event` (`class_id`: the class of a class aggregate's event), or None
    when the event changes nothing in it."""
    base = content if content is not None else {"names": {}, "teaching": []}
    changed: Content
    match event:
        case StaffMemberRegistered(full_name=name) if name != ERASED:
            names = {**base["names"], event.staff_id: short_name(name)}
            changed = {**base, "names": names}
        case StaffMemberRegistered(staff_id=staff_id) | PersonErased(kind="staff", person=staff_id):
            # Erased: no name to show, so the directory leaves them out (read again from
            # sequence 1, their registration reads «[удалено]»: the same roll).
            names = {k: v for k, v in base["names"].items() if k != staff_id}
            changed = {**base, "names": names}
        case TeachingAssigned() | TeachingUnassigned():
            changed = {**base, "teaching": _teaching(base["teaching"], event, class_id)}
        case _:
            return None
    return None if changed == content else changed


def _teaching(
    teaching: list[Content], event: TeachingAssigned | TeachingUnassigned, class_id: str
) -> list[Content]:
    """The assignments after the event, sorted so that equal sets look equal."""
    entry = {
        "teacher_id": event.teacher_id,
        "subject_id": event.subject_id,
        "class_id": class_id,
        "group": event.group,
    }
    others = [t for t in teaching if t != entry]
    if isinstance(event, TeachingAssigned):
        others.append(entry)
    return sorted(
        others, key=lambda t: (t["teacher_id"], t["subject_id"], t["class_id"], t["group"] or "")
    )


def directory(roll: Content, school_id: str) -> Content:
    """The directory a roll says: every named member of staff with at least one assignment,
    by staff id, with the subjects of their assignments (a teacher assigned but not registered
    in the year has no name to show, and is left out until registered)."""
    subjects: dict[str, set[str]] = defaultdict(set)
    for assignment in roll["teaching"]:
        subjects[assignment["teacher_id"]].add(assignment["subject_id"])
    names: dict[str, str] = roll["names"]
    teachers = [
        {
            "staff_id": staff_id,
            "short_name": names[staff_id],
            "subjects": sorted(subjects[staff_id]),
        }
        for staff_id in sorted(subjects)
        if staff_id in names
    ]
    return {"school_id": school_id, "teachers": teachers}


def evolve_staff(
    roll: Doc | None, listed: Doc | None, event: Event, *, school: str, class_id: str, seq: int
) -> tuple[Doc | None, Doc | None]:
    """The roll and the directory after `event`, stored at journal sequence `seq`.

    Each is answered as given when unchanged: an event at or below the roll's `seq` was folded
    already; the directory is only written once it has a teacher to list.
    """
    if roll is not None and seq <= roll.seq:
        return roll, listed
    content = fold_roll(None if roll is None else roll.content, event, class_id)
    if content is None:
        return roll, listed
    after = directory(content, school)
    unchanged = after == listed.content if listed is not None else not after["teachers"]
    return Doc(ROLL, school, seq, content), listed if unchanged else Doc(
        "staff", school, seq, after
    )
