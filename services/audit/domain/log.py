"""One message of any stream as the audit's event log keeps it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from contracts.personal import NAMED, PERSONAL, SEALED, Opener

UNDECODABLE_VERSION = 0
"""`schema_version` of a message no registry could read (its dead letter holds the reason);
its `data` is `{"reason": ..., "body": ..., "headers": {...}}` and its envelope fields are None."""


@dataclass(frozen=True, slots=True)
class LoggedEvent:
    """A row of the event log: where and when a message was stored, its envelope and payload.

    `recorded_at` is the JetStream timestamp (when the server really stored it); `occurred_at`
    the domain time the event claims. `data` is the payload at `schema_version` (decode it with
    the stream's registry), as written: personal data sealed (`contracts.personal`) until
    `opened`. `prev_hash` is the message's `Prev-Hash` header ("" when absent).
    """

    stream: str
    seq: int
    subject: str
    event_type: str
    schema_version: int
    occurred_at: dt.datetime | None
    recorded_at: dt.datetime
    actor_id: str | None
    actor_role: str | None
    school: str
    year: int | None
    correlation_id: str | None
    causation_id: str | None
    data: Mapping[str, Any] = field(default_factory=dict)
    prev_hash: str = ""

    @property
    def decodable(self) -> bool:
        """False for a raw message the projector could not decode (kept so it is not lost)."""
        return self.schema_version != UNDECODABLE_VERSION


def is_sealed(event: LoggedEvent) -> bool:
    """Whether the event's payload holds sealed personal data (personal fields, or texts that
    name a pupil)."""
    return (event.event_type in PERSONAL and SEALED in event.data) or NAMED in event.data


def opened(events: Iterable[LoggedEvent], opener: Opener) -> list[LoggedEvent]:
    """The events with their sealed personal data opened by `opener` (a key ring): names and
    texts as written, or «[удалено]» (a text: «[ученик]» for each mention) once the person's key
    is destroyed. Others are left as they are.
    The opener's error (a key the ring lacks, a box that does not open) propagates."""
    return [
        replace(e, data=opener(e.event_type, dict(e.data))) if is_sealed(e) else e for e in events
    ]
