"""One message of any stream as the audit's event log keeps it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

UNDECODABLE_VERSION = 0
"""`schema_version` of a message no registry could read (its dead letter holds the reason);
its `data` is `{"reason": ..., "body": ..., "headers": {...}}` and its envelope fields are None."""


@dataclass(frozen=True, slots=True)
class LoggedEvent:
    """A row of the event log: where and when a message was stored, its envelope and payload.

    `recorded_at` is the JetStream timestamp (when the server really stored it); `occurred_at`
    the domain time the event claims. `data` is the payload at `schema_version` (decode it with
    the stream's registry). `prev_hash` is the message's `Prev-Hash` header ("" when absent).
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
