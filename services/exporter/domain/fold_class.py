"""A class as the diary sees it: pupils by pseudonym over time, who teaches what.

The timetable is not exported (lessons carry their own slot); reasons of leaving are not
exported either. Events before the class is opened are ignored: there is nothing to show yet.
"""

from __future__ import annotations

from collections.abc import Callable

from contracts.base import Event
from contracts.journal import (
    ClassOpened,
    ClassTeacherAssigned,
    PupilJoinedClass,
    PupilLeftClass,
    TeachingAssigned,
    TeachingUnassigned,
)
from services.exporter.domain.docs import Content


def fold_class(
    content: Content | None, event: Event, _record_id: str, pseudonym: Callable[[str], str]
) -> Content | None:
    """The class document after `event`, or None when the event changes nothing exported."""
    if isinstance(event, ClassOpened):
        base = content or {"members": [], "teaching": []}
        return {
            **base,
            "class_id": event.class_id,
            "grade": event.grade,
            "label": event.label,
            "class_teacher_id": event.class_teacher_id,
        }
    if content is None:
        return None
    changed: Content | None = None
    match event:
        case ClassTeacherAssigned():
            changed = {"class_teacher_id": event.class_teacher_id}
        case PupilJoinedClass():
            joined = {"pupil": pseudonym(event.pupil_id), "since": event.since.isoformat()}
            changed = {"members": [*content["members"], {**joined, "last_day": None}]}
        case PupilLeftClass():
            changed = {"members": _left(content["members"], pseudonym(event.pupil_id), event)}
        case TeachingAssigned() | TeachingUnassigned():
            changed = {"teaching": _teaching(content["teaching"], event)}
    return None if changed is None else {**content, **changed}


def _left(members: list[Content], pupil: str, event: PupilLeftClass) -> list[Content]:
    """The pupil's open membership ends on `last_day` (as in the journal's class fold)."""
    last_day = event.last_day.isoformat()
    return [
        {**m, "last_day": last_day} if m["pupil"] == pupil and m["last_day"] is None else m
        for m in members
    ]


def _teaching(
    teaching: list[Content], event: TeachingAssigned | TeachingUnassigned
) -> list[Content]:
    """The set of assignments after the event, sorted so that equal sets look equal."""
    entry = {"teacher_id": event.teacher_id, "subject_id": event.subject_id, "group": event.group}
    others = [t for t in teaching if t != entry]
    if isinstance(event, TeachingAssigned):
        others.append(entry)
    return sorted(others, key=lambda t: (t["teacher_id"], t["subject_id"], t["group"] or ""))
