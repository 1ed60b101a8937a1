"""The audit service's own facts (stream `AUDIT`): signed daily anchors of the other streams.

A `DailyAnchor` seals one school's events of one stream on one day (the school's local day,
Europe/Moscow, of each message's JetStream timestamp) that no earlier anchor sealed: how many
there were, the first and last stream sequence, and a digest over them in stream order. Anchors
are made hourly, so a day usually has several, each continuing the one before (its "day" in
the field descriptions below is that run of the day's events). It is signed with the school's
Ed25519 key and names the hash of the previous anchor of the same (school, stream), so the
anchors form a chain of their own. An auditor holding the public key (`GET /audit/v1/keys`)
can recompute every digest from a copy of the stream and check every signature with this
module alone.

What is hashed, exactly (`leaf`, `AnchorDigest`, `signed_bytes`):

- an event's **leaf** is `contracts.chain.event_hash(prev_hash, subject, event_type, body)`:
  the message's `Prev-Hash` header (`GENESIS_HASH` when it has none), its subject, its
  `Event-Type` header and the SHA-256 of its body bytes, i.e. the very hash the next event on
  the subject names as its `Prev-Hash`;
- the **digest** of a day is SHA-256 over the lines `"<seq> <leaf>\\n"` of the day's events of
  the school, in stream order. Altering an event changes its leaf; removing, inserting or
  reordering changes the lines (their count, sequences or order), even when whoever tampered
  recomputed the whole Prev-Hash chain;
- the **signature** is Ed25519 over `signed_bytes(anchor)`: the JSON of every field but
  `signature`, keys sorted, no spaces, ASCII only;
- `previous_anchor` is the SHA-256 hex of the previous anchor's `signed_bytes`
  (`GENESIS_HASH` for the first anchor of a school's stream).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from contracts.base import Event, SchoolId

ANCHOR_TIMEZONE = "Europe/Moscow"
"""The zone whose calendar days the anchors cut the streams into (the school's)."""

Hex64 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
StreamName = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_]{0,31}$")]
KeyId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._-]{1,64}$")]
Base64 = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9+/]*={0,2}$", max_length=200)]

CHAINED_STREAMS = ("JOURNAL", "ENROLLMENT", "PORTAL")
"""Streams whose writers chain every event with `Prev-Hash` (the event store's writers).

`DIARY` is not chained: the exporter publishes records many at a time with no expected
sequence (and grants through an outbox), so it has no predecessor to name. Its events are
sealed by the daily anchors only (and its sequence gaps are checked like every stream's).
"""


class DailyAnchor(Event):
    """One school's events of one stream on one local day, sealed and signed."""

    event_type = "audit.DailyAnchor"
    school: SchoolId
    stream: StreamName
    day: dt.date = Field(description="the local day (Europe/Moscow) of the events' timestamps")
    first_seq: int = Field(ge=1, description="stream sequence of the day's first event")
    last_seq: int = Field(ge=1, description="stream sequence of the day's last event")
    count: int = Field(ge=1, description="how many events of the school the day holds")
    digest: Hex64 = Field(description="SHA-256 over '<seq> <leaf>\\n' of the day's events")
    previous_anchor: Hex64 = Field(
        description="SHA-256 of the previous anchor's signed bytes (zeros for the first)"
    )
    key_id: KeyId
    algorithm: Literal["ed25519"] = "ed25519"
    signature: Base64 = Field(
        default="", description="base64 Ed25519 signature of the signed bytes"
    )


AUDIT_EVENTS: tuple[type[Event], ...] = (DailyAnchor,)


def leaf(seq: int, event_hash_hex: str) -> bytes:
    """One event's line in a day's digest."""
    return f"{seq} {event_hash_hex}\n".encode()


class AnchorDigest:
    """A day's digest, fed one event at a time in stream order."""

    __slots__ = ("_hash", "count", "first_seq", "last_seq")

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.count = 0
        self.first_seq = 0
        self.last_seq = 0

    def add(self, seq: int, event_hash_hex: str) -> None:
        """Account for the next event of the day."""
        self._hash.update(leaf(seq, event_hash_hex))
        if not self.count:
            self.first_seq = seq
        self.last_seq = seq
        self.count += 1

    def hexdigest(self) -> str:
        """The digest of the events added so far."""
        return self._hash.hexdigest()


def signed_bytes(anchor: DailyAnchor) -> bytes:
    """The canonical bytes an anchor's signature covers: every field but the signature."""
    fields = anchor.model_dump(mode="json", exclude={"signature"})
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def anchor_hash(anchor: DailyAnchor) -> str:
    """What the next anchor of the same school and stream names as `previous_anchor`."""
    return hashlib.sha256(signed_bytes(anchor)).hexdigest()
