"""Events as a stream holds them, built by hand for tests that feed a store or a projection
directly: the envelope around an event, and the `Projected` item a projector hands over."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from contracts.base import Event
from contracts.envelope import Actor, Envelope
from services.common.eventstore import StoredEvent
from services.common.projector import Projected

TEACHER = Actor(id="t1", role="teacher")


def envelope_of(event: Event, *, data: dict[str, Any] | None = None, **pinned: Any) -> Envelope:
    """`event` in its envelope, its own fields as data unless `data` replaces them; `pinned`:
    the other fields of `envelope_as`."""
    fields = event.model_dump(mode="json") if data is None else data
    return envelope_as(event.event_type, event.schema_version, fields, **pinned)


def envelope_as(
    event_type: str,
    version: int,
    data: dict[str, Any],
    *,
    actor: Actor = TEACHER,
    at: dt.datetime | None = None,
    event_id: uuid.UUID | None = None,
    school: str = "s1",
    year: int = 2026,
    correlation_id: str = "c1",
    causation_id: str | None = None,
) -> Envelope:
    """An envelope of any type, version and data (as a writer of another version, or a broken
    one, may have stored it): a fresh id and the current time unless pinned."""
    return Envelope(
        event_id=event_id or uuid.uuid4(),
        event_type=event_type,
        schema_version=version,
        occurred_at=at or dt.datetime.now(dt.UTC),
        actor=actor,
        school=school,
        year=year,
        correlation_id=correlation_id,
        causation_id=causation_id or correlation_id,
        data=data,
    )


def projected(
    seq: int,
    subject: str,
    event: Event,
    actor_id: str,
    *,
    school: str,
    year: int,
    occurred_at: dt.datetime,
    stored_at: dt.datetime | None = None,
) -> Projected:
    """`event` as a projector hands it to its projection: the `seq`-th message of the stream,
    on `subject`, recorded by `actor_id` at `occurred_at` and stored at `stored_at` (the
    same moment unless given); its ids are numbered after `seq`."""
    envelope = envelope_of(
        event,
        actor=Actor(id=actor_id, role="teacher"),
        at=occurred_at,
        event_id=uuid.UUID(int=seq),
        school=school,
        year=year,
        correlation_id=f"c{seq}",
    )
    stored = StoredEvent(subject, seq, envelope, "h", "p", f"m{seq}", stored_at or occurred_at)
    return Projected(stored, event)
