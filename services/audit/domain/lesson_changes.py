"""What each event of a lesson changes: the history of the journal's lesson aggregate.

The lesson is folded through the kernel (`kernel.lessons.apply_lesson`, the journal view's own
fold), one event at a time, and an event's changes are the fields that differ between the
lesson before and after it. So the history follows the journal's rules without writing them
again: a mark id seen twice keeps its first recording, an attachment is listed once, a lesson
stays as first scheduled, events before its scheduling change nothing, minutes late count only
for a lateness, a mark cancelled stays cancelled whatever is corrected on it.

Fields: `lesson/<field>` (class, subject, date, slot, group, teacher, status, topic, homework,
homework_due_on, homework_files), `mark/<mark_id>/<field>` (pupil, value, work_kind, weight,
comment, counts, status) and `absence/<pupil_id>/<field>` (kind, minutes_late, reason,
evidence); an event's changes come in that order, marks in the order they were recorded and
absences by pupil. Reasons: substitution, cancellation, correction and mark-cancellation
reasons, and the reason of an edit after its period closed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType

from contracts.base import Event
from contracts.journal import (
    LessonCancelled,
    MarkCancelled,
    MarkCorrected,
    TeacherSubstituted,
)
from contracts.subjects import parse_journal
from kernel import AbsenceRow, Fact, LessonDoc, LessonRow, MarkRow
from kernel.lessons import apply_lesson
from kernel.state import LESSON_EVENTS
from services.audit.domain.decoding import decoded
from services.audit.domain.history import Assignment, Effect, FieldKey, Folded, fold
from services.audit.domain.log import LoggedEvent

State = Mapping[FieldKey, str | None]
CORRECTION_AFTER_CLOSE = "исправление после закрытия периода"
_NO_SCALE: Mapping[str, int | None] = MappingProxyType({})
"""The history shows marks as written, never their number on the scale."""
_NOTHING: Mapping[str, object] = MappingProxyType({})


def fold_lesson(events: Iterable[LoggedEvent]) -> Folded:
    """The history of one lesson: its events (in stream order) with their changes."""
    return fold(events, _LessonRules())


class _LessonRules:
    """The history's rules for one lesson: they keep the kernel's lesson as of the last event
    between calls, so one instance serves one fold."""

    def __init__(self) -> None:
        self._lesson: LessonDoc | None = None

    def __call__(self, event: LoggedEvent, _fields: State) -> Effect:
        model = decoded(event)
        if model is None or type(model) not in LESSON_EVENTS:
            return Effect()
        before = self._lesson
        after = apply_lesson(before, _fact(event, model), _NO_SCALE)
        self._lesson = after
        if after is None or after is before:
            return Effect(reasons=_reasons(model))
        return Effect(tuple(_assignments(before, after)), _reasons(model))


def _fact(event: LoggedEvent, model: Event) -> Fact:
    lesson_id = parse_journal(event.subject)[4]
    year, actor = event.year or 0, event.actor_id or ""
    return Fact(
        event.seq, event.school, year, lesson_id, actor, event.recorded_at, model,
        event.occurred_at,
    )  # fmt: skip


def _reasons(model: Event) -> tuple[str, ...]:
    match model:
        case (
            TeacherSubstituted(reason=reason)
            | LessonCancelled(reason=reason)
            | MarkCorrected(reason=reason)
            | MarkCancelled(reason=reason)
        ):
            reasons: tuple[str, ...] = (reason,)
        case _:
            reasons = ()
    # An edit after its period closed is an explicit correction: its reason is a why too.
    correction = getattr(model, "correction_reason", None)
    if correction:
        return (*reasons, f"{CORRECTION_AFTER_CLOSE}: {correction}")
    return reasons


def _assignments(before: LessonDoc | None, after: LessonDoc) -> Iterator[Assignment]:
    """The fields of the lesson, of its marks and of its absences that differ after an event
    (only the marks and absences the kernel replaced are compared)."""
    old = _NO_LESSON if before is None else _lesson_values(before.row)
    yield from _differing("lesson", "", _LESSON_FIELDS, old, _lesson_values(after.row))
    marks = _NOTHING if before is None else before.marks
    if after.marks is not marks:
        yield from _marks_differing(marks, after.marks)
    absences = _NOTHING if before is None else before.absences
    if after.absences is not absences:
        yield from _absences_differing(absences, after.absences)


def _marks_differing(
    before: Mapping[str, object], after: Mapping[str, MarkRow]
) -> Iterator[Assignment]:
    """Marks in the order they were recorded."""
    for mark_id, mark in after.items():
        known = before.get(mark_id)
        if known is not mark:
            old = _mark_values(known) if isinstance(known, MarkRow) else _NO_MARK
            new = _mark_values(mark)
            yield from _differing("mark", mark_id, _MARK_FIELDS, old, new, mark.pupil_id)


def _absences_differing(
    before: Mapping[str, object], after: Mapping[str, AbsenceRow]
) -> Iterator[Assignment]:
    """Absences by pupil; a pupil present again has all fields None."""
    for pupil in sorted(before.keys() | after.keys()):
        known, absence = before.get(pupil), after.get(pupil)
        if known is not absence:
            old = _absence_values(known if isinstance(known, AbsenceRow) else None)
            new = _absence_values(absence)
            yield from _differing("absence", pupil, _ABSENCE_FIELDS, old, new, pupil)


def _differing(
    target: str,
    target_id: str,
    names: tuple[str, ...],
    before: tuple[str | None, ...],
    after: tuple[str | None, ...],
    pupil: str | None = None,
) -> Iterator[Assignment]:
    if before == after:
        return
    for name, old, new in zip(names, before, after, strict=True):
        if old != new:
            yield Assignment(FieldKey(target, target_id, name), new, pupil)


_LESSON_FIELDS = (
    "class", "subject", "date", "slot", "group", "teacher", "status", "topic", "homework",
    "homework_due_on", "homework_files",
)  # fmt: skip
_MARK_FIELDS = ("pupil", "value", "work_kind", "weight", "comment", "counts", "status")
_ABSENCE_FIELDS = ("kind", "minutes_late", "reason", "evidence")
_NO_LESSON: tuple[None, ...] = (None,) * len(_LESSON_FIELDS)
_NO_MARK: tuple[None, ...] = (None,) * len(_MARK_FIELDS)


def _lesson_values(row: LessonRow) -> tuple[str | None, ...]:
    files = "; ".join(a.name for a in row.attachments) or None
    return (
        row.class_id, row.subject_id, row.date.isoformat(), str(row.slot), row.grp,
        row.teacher_id, row.status, row.topic, row.homework_text, _text(row.homework_due), files,
    )  # fmt: skip


def _mark_values(mark: MarkRow) -> tuple[str | None, ...]:
    status = "cancelled" if mark.cancelled else "corrected" if mark.corrected else "recorded"
    counts = "yes" if mark.counts else "no"
    return (
        mark.pupil_id, mark.value, mark.work_kind_id, str(mark.weight), mark.comment, counts,
        status,
    )  # fmt: skip


def _absence_values(absence: AbsenceRow | None) -> tuple[str | None, ...]:
    """An absence's fields; all None once the pupil is present again (the journal forgets the
    absence and its reason)."""
    if absence is None:
        return (None,) * len(_ABSENCE_FIELDS)
    minutes = _text(absence.minutes_late)
    return (absence.kind, minutes, absence.reason, absence.evidence)


def _text(value: object) -> str | None:
    return None if value is None else str(value)
