"""A class as the diary sees it: pupils by pseudonym over time, who teaches what.

The timetable is not exported (lessons carry their own slot); reasons of leaving are not
exported either. Events before the class is opened are ignored: there is nothing to show yet.
How a join or a leave changes a pupil's intervals is the kernel's rule (`kernel.classes`), the
same as in the journal's fold.
"""

from __future__ import annotations

import datetime as dt
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
from kernel.classes import interval_left, join_opens_interval
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
            changed = _members(_joined(content["members"], pseudonym(event.pupil_id), event))
        case PupilLeftClass():
            changed = _members(_left(content["members"], pseudonym(event.pupil_id), event))
        case TeachingAssigned() | TeachingUnassigned():
            changed = {"teaching": _teaching(content["teaching"], event)}
    return None if changed is None else {**content, **changed}


def _members(members: list[Content] | None) -> Content | None:
    return None if members is None else {"members": members}


def _sinces(members: list[Content], pupil: str) -> list[dt.date]:
    """The starts of the pupil's intervals."""
    return [dt.date.fromisoformat(m["since"]) for m in members if m["pupil"] == pupil]


def _joined(members: list[Content], pupil: str, event: PupilJoinedClass) -> list[Content] | None:
    """The members with the pupil's new interval (`kernel.classes.join_opens_interval`), or
    None when the join opens none."""
    if not join_opens_interval(_sinces(members, pupil), event.since):
        return None
    return [*members, {"pupil": pupil, "since": event.since.isoformat(), "last_day": None}]


def _left(members: list[Content], pupil: str, event: PupilLeftClass) -> list[Content] | None:
    """The members with the interval the leave closes (`kernel.classes.interval_left`) ending
    on `last_day`, or None when it closes none."""
    since = interval_left(_sinces(members, pupil), event.last_day)
    if since is None:
        return None
    start, last_day = since.isoformat(), event.last_day.isoformat()
    closed = [
        {**m, "last_day": last_day} if m["pupil"] == pupil and m["since"] == start else m
        for m in members
    ]
    return None if closed == members else closed


def _teaching(
    teaching: list[Content], event: TeachingAssigned | TeachingUnassigned
) -> list[Content]:
    """The set of assignments after the event, sorted so that equal sets look equal."""
    entry = {"teacher_id": event.teacher_id, "subject_id": event.subject_id, "group": event.group}
    others = [t for t in teaching if t != entry]
    if isinstance(event, TeachingAssigned):
        others.append(entry)
    return sorted(others, key=lambda t: (t["teacher_id"], t["subject_id"], t["group"] or ""))
