"""What changed on a page of the journal between two moments ("since the monthly check").

`diff(before, after, query)` compares two states of the same school year on one class-subject
page: pupils who joined or left, lessons added, held or cancelled, teacher, topic and homework
changed, marks added, changed (old -> new) or cancelled, absences added, changed or removed,
and the corrections made after the lesson's period closed (the page flags what they changed). A
change of a new lesson is listed as against an empty lesson just scheduled, so a lesson entered
in between shows its topic, marks and absences too. `diff(state, state, query)` is empty.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

from kernel import AbsenceRow, LessonDoc, LessonRow, MarkRow, Membership
from kernel.closing import CorrectionRow
from services.audit.domain.asof.grid import GridQuery, grid_lessons, marks_in_order, pupil_order
from services.audit.domain.asof.state import JournalState

ChangeKind = Literal[
    "pupil_joined",
    "pupil_left",
    "pupil_removed",
    "pupil_renamed",
    "lesson_added",
    "lesson_removed",
    "lesson_held",
    "lesson_cancelled",
    "teacher_changed",
    "topic_changed",
    "homework_changed",
    "mark_added",
    "mark_changed",
    "mark_cancelled",
    "absence_added",
    "absence_changed",
    "absence_removed",
    "corrected_after_close",
]


@dataclass(frozen=True, slots=True)
class Change:
    """One difference, with what was shown before and after (None: nothing was shown)."""

    kind: ChangeKind
    lesson_id: str | None = None
    date: dt.date | None = None
    pupil_id: str | None = None
    mark_id: str | None = None
    before: str | None = None
    after: str | None = None


def diff(before: JournalState, after: JournalState, query: GridQuery) -> list[Change]:
    """The changes of the page from `before` to `after`: pupils first, then lesson by lesson."""
    changes = list(_members(before, after, query))
    old = {lesson.row.lesson_id: lesson for lesson in grid_lessons(before, query)}
    new = grid_lessons(after, query)
    for lesson in new:
        lesson_id = lesson.row.lesson_id
        was = old.pop(lesson_id, None)
        changes.extend(_lesson(after, was, lesson, before.corrections_of(lesson_id)))
    changes.extend(  # only when `after` is not a later state of `before`
        Change("lesson_removed", gone.lesson_id, gone.date, before=gone.status)
        for gone in (doc.row for doc in old.values())
    )
    return changes


def _members(before: JournalState, after: JournalState, query: GridQuery) -> Iterator[Change]:
    old, new = _rows(before, query), _rows(after, query)
    for pupil in sorted(old.keys() | new.keys(), key=lambda p: pupil_order(after, p)):
        was, now = old.get(pupil), new.get(pupil)
        if was is None and now is not None:
            yield Change("pupil_joined", pupil_id=pupil, after=now[0].since.isoformat())
        elif now is None and was is not None:
            yield Change("pupil_removed", pupil_id=pupil, before=_days(was))
        elif was is not None and now is not None and was != now:
            kind: ChangeKind = "pupil_left" if now[-1].last_day is not None else "pupil_joined"
            yield Change(kind, pupil_id=pupil, before=_days(was), after=_days(now))
        name = before.pupil_name(pupil), after.pupil_name(pupil)
        if now is not None and was is not None and name[0] != name[1]:
            yield Change("pupil_renamed", pupil_id=pupil, before=name[0], after=name[1])


def _rows(state: JournalState, query: GridQuery) -> dict[str, list[Membership]]:
    """The pupils the page has rows for, with their intervals by start."""
    klass = state.klass(query.class_id)
    rows: dict[str, list[Membership]] = {}
    for member in () if klass is None else klass.memberships:
        if member.overlaps(query.date_from, query.date_to):
            rows.setdefault(member.pupil_id, []).append(member)
    return {pupil: sorted(intervals) for pupil, intervals in rows.items()}


def _days(intervals: list[Membership]) -> str:
    return ", ".join(f"{m.since}..{m.last_day or ''}" for m in intervals)


def _lesson(
    state: JournalState,
    old_doc: LessonDoc | None,
    new_doc: LessonDoc,
    old_corrections: tuple[CorrectionRow, ...],
) -> Iterator[Change]:
    new = new_doc.row

    def change(kind: ChangeKind, was: str | None, now: str | None) -> Change:
        return Change(kind, new.lesson_id, new.date, before=was, after=now)

    if old_doc is None:
        yield change("lesson_added", None, f"{new.date} slot {new.slot}")
        old_doc = _blank(new_doc)
    old = old_doc.row
    if old.status != new.status:
        kind: ChangeKind = "lesson_cancelled" if new.status == "cancelled" else "lesson_held"
        yield change(kind, old.status, _status(new))
    if old.teacher_id != new.teacher_id:
        yield change("teacher_changed", old.teacher_id, new.teacher_id)
    if old.topic != new.topic:
        yield change("topic_changed", old.topic, new.topic)
    if _homework(old) != _homework(new):
        yield change("homework_changed", _homework(old), _homework(new))
    yield from _marks(new, old_doc.marks, new_doc.marks)
    yield from _absences(state, new, old_doc.absences, new_doc.absences)
    seen = {c.seq for c in old_corrections}
    for correction in state.corrections_of(new.lesson_id):
        if correction.seq not in seen:  # an edit of a closed period, flagged on the page
            yield change("corrected_after_close", None, f"{correction.kind}: {correction.reason}")


def _blank(lesson: LessonDoc) -> LessonDoc:
    """The lesson as just scheduled: what a lesson added in between is compared with."""
    row = lesson.row
    # The columns up to the timetabled teacher as they are; the teacher is the timetabled one.
    return LessonDoc(LessonRow(*row[:9], row.timetabled_teacher_id, last_event_seq=0))


def _status(lesson: LessonRow) -> str:
    if lesson.status == "cancelled" and lesson.cancel_reason:
        return f"cancelled: {lesson.cancel_reason}"
    return lesson.status


def _homework(lesson: LessonRow) -> str | None:
    if lesson.homework_text is None:
        return None
    due = "" if lesson.homework_due is None else f" (due {lesson.homework_due})"
    return lesson.homework_text + due


def _marks(
    lesson: LessonRow, old: Mapping[str, MarkRow], new: Mapping[str, MarkRow]
) -> Iterator[Change]:
    for mark in marks_in_order(new.values()):
        was = old.get(mark.mark_id)
        where = (lesson.lesson_id, lesson.date, mark.pupil_id, mark.mark_id)
        if was is None:
            yield Change("mark_added", *where, after=_mark(mark))
        elif (_mark(was), was.corrected) != (_mark(mark), mark.corrected):
            yield Change("mark_changed", *where, before=_mark(was), after=_mark(mark))
        if mark.cancelled and (was is None or not was.cancelled):
            yield Change("mark_cancelled", *where, before=_mark(mark), after=mark.last_reason)


def _mark(mark: MarkRow) -> str:
    """A mark as the change shows it: value, kind of work, weight and whether it counts."""
    counted = "" if mark.counts else ", not counted"
    comment = "" if mark.comment is None else f", {mark.comment!r}"
    return f"{mark.value} ({mark.work_kind_id} x{mark.weight.normalize()}{counted}{comment})"


def _absences(
    state: JournalState,
    lesson: LessonRow,
    old: Mapping[str, AbsenceRow],
    new: Mapping[str, AbsenceRow],
) -> Iterator[Change]:
    for pupil in sorted(old.keys() | new.keys(), key=lambda p: pupil_order(state, p)):
        was, now = _absence(old.get(pupil)), _absence(new.get(pupil))
        if was == now:
            continue
        kind: ChangeKind = "absence_changed"
        if was is None:
            kind = "absence_added"
        elif now is None:
            kind = "absence_removed"
        yield Change(kind, lesson.lesson_id, lesson.date, pupil, before=was, after=now)


def _absence(absence: AbsenceRow | None) -> str | None:
    """An absence as the change shows it: the letter, what was observed and the reason."""
    if absence is None:
        return None
    late = "" if absence.minutes_late is None else f" {absence.minutes_late} min"
    return f"{absence.letter} ({absence.kind}{late}, {absence.reason})"
