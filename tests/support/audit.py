"""Test support for the audit: appending events of any stream as their services would."""

from __future__ import annotations

import datetime as dt
import uuid

from contracts.base import Event
from contracts.envelope import Actor
from services.common.eventstore import EventStore
from services.common.keystore import KeyStore, seal_payload
from tests.support.stored_events import envelope_of

SCHOOL, YEAR = "s1", 2026
ADMIN = Actor(id="adm1", role="admin")
EXPORTER = Actor(id="exporter", role="system")


async def append(
    store: EventStore,
    subject: str,
    event: Event,
    *,
    actor: Actor = ADMIN,
    at: dt.datetime | None = None,
    school: str = SCHOOL,
    year: int = YEAR,
    keys: KeyStore | None = None,
) -> int:
    """Append `event` on `subject` after its last event (hash-chained); the stream sequence.
    With `keys`, its personal data is sealed as the writing service would seal it."""
    loaded = await store.load(subject)
    data = (
        event.model_dump(mode="json") if keys is None else await seal_payload(keys, school, event)
    )
    event_id = uuid.uuid4()
    envelope = envelope_of(
        event,
        actor=actor,
        at=at,
        event_id=event_id,
        school=school,
        year=year,
        correlation_id=event_id.hex,
        data=data,
    )
    appended = await store.append(subject, envelope, expected=loaded.version, msg_id=event_id.hex)
    return appended.seq


PSEUDONYM = "p" + "ab" * 16
"""A pupil pseudonym as the exporter would write it (the audit cannot compute one)."""
