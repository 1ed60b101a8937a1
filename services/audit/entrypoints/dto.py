"""Response bodies of the audit's history endpoints (never the contract classes)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from services.audit.domain.history import Change, Entry
from services.audit.domain.names import Names
from services.audit.domain.present import FIELDS, target_label, value_label


class ActorOut(BaseModel):
    """Who made a change: user id, role and (for staff) the name the journal shows."""

    id: str | None
    role: str | None
    label: str


class ChangeOut(BaseModel):
    """One field an event changed."""

    target: str
    target_id: str
    field: str
    pupil_id: str | None
    before: str | None
    after: str | None
    target_label: str
    field_label: str
    before_label: str
    after_label: str

    @classmethod
    def of(cls, change: Change, names: Names) -> ChangeOut:
        """The body of a change, ids labelled with names."""
        key = change.key
        return cls(
            target=key.target,
            target_id=key.target_id,
            field=key.name,
            pupil_id=change.pupil_id,
            before=change.before,
            after=change.after,
            target_label=target_label(key, change.pupil_id, names),
            field_label=FIELDS.get(key.name, key.name),
            before_label=value_label(key, change.before, names),
            after_label=value_label(key, change.after, names),
        )


class EntryOut(BaseModel):
    """One event of a history: where, when (domain time and recording time), who, what, why."""

    stream: str
    seq: int
    subject: str
    event_type: str
    recorded_at: dt.datetime
    occurred_at: dt.datetime | None
    actor: ActorOut
    changes: list[ChangeOut]
    reasons: list[str]
    caused_by: EntryOut | None = None

    @classmethod
    def of(cls, entry: Entry, names: Names, cause: Entry | None = None) -> EntryOut:
        """The body of an entry (and of the entry that caused it, if known)."""
        return cls(
            stream=entry.stream,
            seq=entry.seq,
            subject=entry.subject,
            event_type=entry.event_type,
            recorded_at=entry.recorded_at,
            occurred_at=entry.occurred_at,
            actor=ActorOut(
                id=entry.actor_id, role=entry.actor_role, label=names.of("staff", entry.actor_id)
            ),
            changes=[ChangeOut.of(change, names) for change in entry.changes],
            reasons=list(entry.reasons),
            caused_by=None if cause is None else cls.of(cause, names),
        )


class HistoryOut(BaseModel):
    """A history: its entries in stream order."""

    school: str
    entries: list[EntryOut]
