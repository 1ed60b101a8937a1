"""What each event of a lesson changes: the history rules of the journal's lesson aggregate.

Fields: `lesson/<field>` (teacher, status, topic, homework ...), `mark/<mark_id>/<field>`
(value, kind of work, weight, comment, counts, status) and `absence/<pupil_id>/<field>` (kind,
minutes late, reason, evidence). A whole-class save changes several of them at once. Reasons:
substitution, cancellation, correction and mark-cancellation reasons.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from contracts.base import Event
from contracts.journal import (
    AbsenceEntry,
    AbsenceReasonSet,
    AttendanceTaken,
    HomeworkAttachmentAdded,
    HomeworkSet,
    LessonCancelled,
    LessonEntriesSaved,
    LessonHeld,
    LessonScheduled,
    MarkCancelled,
    MarkCorrected,
    MarkEntry,
    MarkRecorded,
    TeacherSubstituted,
    TopicSet,
)
from services.audit.domain.decoding import decoded
from services.audit.domain.history import Assignment, Effect, FieldKey
from services.audit.domain.log import LoggedEvent

State = Mapping[FieldKey, str | None]
CORRECTION_AFTER_CLOSE = "исправление после закрытия периода"


def lesson_field(name: str) -> FieldKey:
    """A field of the lesson itself."""
    return FieldKey("lesson", "", name)


def mark_field(mark_id: str, name: str) -> FieldKey:
    """A field of one mark."""
    return FieldKey("mark", mark_id, name)


def absence_field(pupil_id: str, name: str) -> FieldKey:
    """A field of one pupil's absence."""
    return FieldKey("absence", pupil_id, name)


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def lesson_rules(event: LoggedEvent, state: State) -> Effect:
    """The effect of one lesson event (events of other kinds change nothing)."""
    model = decoded(event)
    rule = None if model is None else _RULES.get(type(model))
    if rule is None:
        return Effect()
    effect = rule(model, state)
    # An edit after its period closed is an explicit correction: its reason is a why too.
    correction = getattr(model, "correction_reason", None)
    if correction:
        reasons = (*effect.reasons, f"{CORRECTION_AFTER_CLOSE}: {correction}")
        return Effect(effect.assignments, reasons)
    return effect


def _substituted(event: TeacherSubstituted, _state: State) -> Effect:
    return Effect((Assignment(lesson_field("teacher"), event.substitute_id),), (event.reason,))


def _held(_event: LessonHeld, _state: State) -> Effect:
    return Effect((Assignment(lesson_field("status"), "held"),))


def _cancelled(event: LessonCancelled, _state: State) -> Effect:
    return Effect((Assignment(lesson_field("status"), "cancelled"),), (event.reason,))


def _topic(event: TopicSet, _state: State) -> Effect:
    return Effect((Assignment(lesson_field("topic"), event.topic),))


def _attachment(event: HomeworkAttachmentAdded, state: State) -> Effect:
    files = state.get(lesson_field("homework_files"))
    name = event.attachment.name
    return Effect((Assignment(lesson_field("homework_files"), _joined(files, name)),))


def _mark_cancelled(event: MarkCancelled, state: State) -> Effect:
    pupil = state.get(mark_field(event.mark_id, "pupil"))
    if pupil is None:  # as the journal: no such mark, nothing changes
        return Effect(reasons=(event.reason,))
    status = Assignment(mark_field(event.mark_id, "status"), "cancelled", pupil)
    return Effect((status,), (event.reason,))


def _scheduled(event: LessonScheduled, _state: State) -> Iterator[Assignment]:
    yield Assignment(lesson_field("class"), event.class_id)
    yield Assignment(lesson_field("subject"), event.subject_id)
    yield Assignment(lesson_field("date"), event.date.isoformat())
    yield Assignment(lesson_field("slot"), str(event.slot))
    yield Assignment(lesson_field("group"), event.group)
    yield Assignment(lesson_field("teacher"), event.teacher_id)
    yield Assignment(lesson_field("status"), "scheduled")


def _homework(event: HomeworkSet, _state: State | None = None) -> Iterator[Assignment]:
    yield Assignment(lesson_field("homework"), event.text)
    yield Assignment(lesson_field("homework_due_on"), _text(event.due_on))


def _joined(files: str | None, name: str) -> str:
    return name if not files else f"{files}; {name}"


def _new_mark(entry: MarkEntry) -> Iterator[Assignment]:
    pupil = entry.pupil_id
    yield Assignment(mark_field(entry.mark_id, "pupil"), pupil, pupil)
    yield from _mark_fields(entry.mark_id, pupil, entry)
    yield Assignment(mark_field(entry.mark_id, "status"), "recorded", pupil)


def _mark_fields(
    mark_id: str, pupil: str | None, entry: MarkEntry | MarkCorrected
) -> Iterator[Assignment]:
    yield Assignment(mark_field(mark_id, "value"), entry.value, pupil)
    yield Assignment(mark_field(mark_id, "work_kind"), entry.work_kind_id, pupil)
    yield Assignment(mark_field(mark_id, "weight"), str(entry.weight), pupil)
    yield Assignment(mark_field(mark_id, "comment"), entry.comment, pupil)
    yield Assignment(mark_field(mark_id, "counts"), "yes" if entry.counts else "no", pupil)


def _corrected(event: MarkCorrected, state: State) -> Iterator[Assignment]:
    pupil = state.get(mark_field(event.mark_id, "pupil"))
    yield from _mark_fields(event.mark_id, pupil, event)
    # As in the journal: a cancelled mark stays cancelled whatever is corrected on it.
    status = state.get(mark_field(event.mark_id, "status"))
    after = "cancelled" if status == "cancelled" else "corrected"
    yield Assignment(mark_field(event.mark_id, "status"), after, pupil)


def _attendance(absences: Iterable[AbsenceEntry], state: State) -> Iterator[Assignment]:
    """A complete observation: pupils listed before and not now are present again."""
    listed = {entry.pupil_id: entry for entry in absences}
    absent_before = [
        key.target_id
        for key, value in state.items()
        if key.target == "absence" and key.name == "kind" and value is not None
    ]
    for pupil in sorted(set(absent_before) | set(listed)):
        entry = listed.get(pupil)
        yield Assignment(absence_field(pupil, "kind"), entry.kind if entry else None, pupil)
        late = entry.minutes_late if entry else None
        yield Assignment(absence_field(pupil, "minutes_late"), _text(late), pupil)
        if entry is None:  # present again: the journal forgets the absence and its reason
            yield Assignment(absence_field(pupil, "reason"), None, pupil)
            yield Assignment(absence_field(pupil, "evidence"), None, pupil)
        elif state.get(absence_field(pupil, "reason")) is None:
            # A new absence's reason is "unknown" until one is given; a known one stays.
            yield Assignment(absence_field(pupil, "reason"), "unknown", pupil)


def _absence_reason(event: AbsenceReasonSet, state: State) -> Iterator[Assignment]:
    if state.get(absence_field(event.pupil_id, "reason")) is None:
        return  # the journal ignores a reason for a pupil it has no absence of
    yield Assignment(absence_field(event.pupil_id, "reason"), event.reason, event.pupil_id)
    yield Assignment(absence_field(event.pupil_id, "evidence"), event.evidence, event.pupil_id)


def _entries(event: LessonEntriesSaved, state: State) -> Iterator[Assignment]:
    if event.held:
        yield Assignment(lesson_field("status"), "held")
    if event.topic is not None:
        yield Assignment(lesson_field("topic"), event.topic)
    if event.homework is not None:
        yield from _homework(event.homework)
    for mark in event.marks:
        yield from _new_mark(mark)
    if event.attendance is not None:
        yield from _attendance(event.attendance, state)


def _all(
    assignments: Callable[[Any, State], Iterable[Assignment]],
) -> Callable[[Any, State], Effect]:
    """A rule that only assigns (no reasons)."""
    return lambda event, state: Effect(tuple(assignments(event, state)))


def _recorded(event: MarkRecorded, _state: State) -> Iterator[Assignment]:
    return _new_mark(event.mark)


def _corrected_effect(event: MarkCorrected, state: State) -> Effect:
    if state.get(mark_field(event.mark_id, "pupil")) is None:  # no such mark: nothing changes
        return Effect(reasons=(event.reason,))
    return Effect(tuple(_corrected(event, state)), (event.reason,))


def _taken(event: AttendanceTaken, state: State) -> Iterator[Assignment]:
    return _attendance(event.absences, state)


_RULES: dict[type[Event], Callable[[Any, State], Effect]] = {
    LessonScheduled: _all(_scheduled),
    TeacherSubstituted: _substituted,
    LessonHeld: _held,
    LessonCancelled: _cancelled,
    TopicSet: _topic,
    HomeworkSet: _all(_homework),
    HomeworkAttachmentAdded: _attachment,
    MarkRecorded: _all(_recorded),
    MarkCorrected: _corrected_effect,
    MarkCancelled: _mark_cancelled,
    AttendanceTaken: _all(_taken),
    AbsenceReasonSet: _all(_absence_reason),
    LessonEntriesSaved: _all(_entries),
}
