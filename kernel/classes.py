"""Fold of a class: its row, the pupils' membership intervals and the teaching assignments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from contracts.base import Event
from contracts.journal import (
    ClassOpened,
    ClassTeacherAssigned,
    PupilJoinedClass,
    PupilLeftClass,
    TeachingAssigned,
    TeachingUnassigned,
)
from kernel.rows import (
    Assignment,
    ClassDoc,
    ClassRow,
    Fact,
    Membership,
)


def apply_class(doc: ClassDoc | None, fact: Fact) -> ClassDoc | None:
    """Fold a class event; events of a class not opened yet leave nothing behind."""
    event = fact.event
    if doc is None:
        return _open(fact, event) if isinstance(event, ClassOpened) else None
    if fact.seq <= doc.row.last_seq:
        return doc
    evolved = _evolve(doc, event)
    return evolved._replace(row=evolved.row._replace(last_seq=fact.seq))


def _open(fact: Fact, event: ClassOpened) -> ClassDoc:
    row = ClassRow(
        fact.school,
        fact.year,
        fact.aggregate_id,
        event.grade,
        event.label,
        event.class_teacher_id,
        fact.seq,
    )
    return ClassDoc(row)


def _evolve(doc: ClassDoc, event: Event) -> ClassDoc:
    match event:
        case ClassOpened(grade=grade, label=label, class_teacher_id=teacher):
            row = doc.row._replace(grade=grade, label=label, class_teacher_id=teacher)
            return doc._replace(row=row)
        case ClassTeacherAssigned(class_teacher_id=teacher):
            return doc._replace(row=doc.row._replace(class_teacher_id=teacher))
        case PupilJoinedClass(pupil_id=pupil_id, since=since):
            return _join(doc, Membership(pupil_id, since))
        case PupilLeftClass(pupil_id=pupil_id, last_day=last_day):
            return _leave(doc, pupil_id, last_day)
        case _:
            return doc._replace(assignments=_assign(doc.assignments, event))


def _assign(assignments: frozenset[Assignment], event: Event) -> frozenset[Assignment]:
    match event:
        case TeachingAssigned(teacher_id=teacher, subject_id=subject, group=group):
            return assignments | {Assignment(teacher, subject, group)}
        case TeachingUnassigned(teacher_id=teacher, subject_id=subject, group=group):
            return assignments - {Assignment(teacher, subject, group)}
        case _:
            return assignments  # TimetableSet: the view does not keep the timetable


def _join(doc: ClassDoc, joined: Membership) -> ClassDoc:
    sinces = (m.since for m in doc.memberships if m.pupil_id == joined.pupil_id)
    if not join_opens_interval(sinces, joined.since):
        return doc
    return doc._replace(memberships=doc.memberships | {joined})


def _leave(doc: ClassDoc, pupil_id: str, last_day: dt.date) -> ClassDoc:
    theirs = [m for m in doc.memberships if m.pupil_id == pupil_id]
    since = interval_left([m.since for m in theirs], last_day)
    if since is None:
        return doc
    latest = next(m for m in theirs if m.since == since)
    closed = latest._replace(last_day=last_day)
    return doc._replace(memberships=(doc.memberships - {latest}) | {closed})


# The rules of membership, on plain dates (what the fold above decides a join or a leave does,
# stated apart: `tests/unit/kernel/test_rule_functions.py` states them on plain values).


def join_opens_interval(sinces: Iterable[dt.date], since: dt.date) -> bool:
    """Whether a pupil joining on `since` opens a new interval (`sinces`: the starts of the
    pupil's intervals): not when one of them starts that day already."""
    return all(start != since for start in sinces)


def interval_left(sinces: Iterable[dt.date], last_day: dt.date) -> dt.date | None:
    """The start of the interval a pupil leaving after `last_day` closes (`sinces`: the starts
    of the pupil's intervals): their latest one starting on or before that day, closed or not.
    None when there is none: the leave changes nothing."""
    return max((start for start in sinces if start <= last_day), default=None)
