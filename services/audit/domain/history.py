"""History of anything: a fold over one aggregate's logged events, telling for each event who,
when, what changed (before -> after of each affected field) and why.

The fold keeps the current value of every field it has seen, keyed by `FieldKey`; each event is
turned (by the per-stream rules in `enrollment_changes`, `grant_changes`, `person_changes`, and
for a lesson by the kernel's fold in `lesson_changes`) into `Assignment`s. An assignment whose
value differs from the current one is a `Change` with the old value as `before`; so the `after`
of a change is, by construction, the `before` of the next change of the same field. Pure: no
I/O, no clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from services.audit.domain.log import LoggedEvent


@dataclass(frozen=True, slots=True, order=True)
class FieldKey:
    """One field of one thing inside an aggregate: `("mark", "m1", "value")`,
    `("absence", "p7", "reason")`, `("lesson", "", "topic")`."""

    target: str
    target_id: str
    name: str


@dataclass(frozen=True, slots=True)
class Assignment:
    """What an event says a field is now (None: no value, e.g. a pupil marked present again).

    `pupil_id` names the pupil the field is about, when it is about one.
    """

    key: FieldKey
    value: str | None
    pupil_id: str | None = None


@dataclass(frozen=True, slots=True)
class Effect:
    """An event's assignments and its reasons (correction, cancellation, rejection ...)."""

    assignments: tuple[Assignment, ...] = ()
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Change:
    """A field that an event changed: its value before and after."""

    key: FieldKey
    before: str | None
    after: str | None
    pupil_id: str | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """One event of a history: where, when, who, what changed and why."""

    stream: str
    seq: int
    subject: str
    event_type: str
    recorded_at: dt.datetime
    occurred_at: dt.datetime | None
    actor_id: str | None
    actor_role: str | None
    changes: tuple[Change, ...] = ()
    reasons: tuple[str, ...] = ()

    def about(self, pupil_id: str) -> Entry:
        """The entry with only the changes about `pupil_id`."""
        return _with_changes(self, tuple(c for c in self.changes if c.pupil_id == pupil_id))

    def only(self, keep: Callable[[Change], bool]) -> Entry:
        """The entry with only the changes `keep` accepts."""
        return _with_changes(self, tuple(c for c in self.changes if keep(c)))


def _with_changes(entry: Entry, changes: tuple[Change, ...]) -> Entry:
    return Entry(
        entry.stream,
        entry.seq,
        entry.subject,
        entry.event_type,
        entry.recorded_at,
        entry.occurred_at,
        entry.actor_id,
        entry.actor_role,
        changes,
        entry.reasons,
    )


Rules = Callable[[LoggedEvent, Mapping[FieldKey, str | None]], Effect]
"""The effect of one event, given the fields as they are before it (the lesson's rules also
keep the kernel's lesson between calls: one instance per fold, see `lesson_changes`)."""


@dataclass(frozen=True, slots=True)
class Folded:
    """A folded history: its entries in stream order and the fields as they ended up."""

    entries: tuple[Entry, ...] = ()
    fields: Mapping[FieldKey, str | None] = field(default_factory=dict)


def fold(events: Iterable[LoggedEvent], rules: Rules) -> Folded:
    """Fold events (in stream order) into entries with their before -> after changes."""
    state: dict[FieldKey, str | None] = {}
    entries: list[Entry] = []
    for event in events:
        effect = rules(event, state)
        changes: list[Change] = []
        for assignment in effect.assignments:
            before = state.get(assignment.key)
            if before != assignment.value:
                changes.append(
                    Change(assignment.key, before, assignment.value, assignment.pupil_id)
                )
                state[assignment.key] = assignment.value
        entries.append(
            Entry(
                stream=event.stream,
                seq=event.seq,
                subject=event.subject,
                event_type=event.event_type,
                recorded_at=event.recorded_at,
                occurred_at=event.occurred_at,
                actor_id=event.actor_id,
                actor_role=event.actor_role,
                changes=tuple(changes),
                reasons=effect.reasons,
            )
        )
    return Folded(tuple(entries), dict(state))


def within(
    entries: Iterable[Entry], start: dt.datetime | None, end: dt.datetime | None
) -> list[Entry]:
    """The entries recorded in `[start, end)` (either bound open when None)."""
    return [
        e
        for e in entries
        if (start is None or e.recorded_at >= start) and (end is None or e.recorded_at < end)
    ]
