"""The event store: append with optimistic concurrency per subject, load an aggregate's history.

`JetStreamEventStore` follows the write path of DESIGN.md: publish with
`Nats-Expected-Last-Subject-Sequence` and `Nats-Msg-Id`, chain each event to the previous one on
its subject, and treat a wrong-last-sequence answer whose subject already holds our message id as
a duplicate (the server checks the expected sequence before its duplicate window, so a command
sent again answers that way; within the window with the same expectation, as a duplicate).
`InMemoryEventStore` keeps the same contract for service-layer tests.

Here: the contract (`EventStore` and what it returns) and the events' wire form (body, headers,
chain hash) both stores share; the stores are in `services.common.eventstore_jetstream` and
`services.common.eventstore_memory`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

from contracts import envelope as hdr
from contracts.chain import GENESIS_HASH, event_hash
from contracts.envelope import Envelope
from services.common.text_repair import repair_body


@dataclass(frozen=True, slots=True)
class Version:
    """Where an aggregate stands: its subject's last stream sequence and that event's hash."""

    seq: int = 0
    hash: str = GENESIS_HASH


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """One event as stored: its position, envelope, chain hash and command id, and the
    fingerprint of the request that sent it under an Idempotency-Key ("" without one)."""

    subject: str
    seq: int
    envelope: Envelope
    hash: str
    prev_hash: str
    msg_id: str
    recorded_at: dt.datetime
    fingerprint: str = ""


@dataclass(frozen=True, slots=True)
class Loaded:
    """An aggregate's history and the version to append after."""

    subject: str
    events: tuple[StoredEvent, ...] = ()
    version: Version = field(default_factory=Version)


@dataclass(frozen=True, slots=True)
class Appended:
    """The outcome of an append; `duplicate` when the command had been recorded already, then
    with the `fingerprint` the recorded event carries (the first request's)."""

    subject: str
    seq: int
    duplicate: bool = False
    fingerprint: str = ""


class ConcurrencyConflict(Exception):
    """Another writer appended to the subject after the version the command decided on."""

    def __init__(self, subject: str, expected: int) -> None:
        super().__init__(f"{subject} moved past sequence {expected}")
        self.subject = subject
        self.expected = expected


class CorruptEvent(Exception):
    """A stored message on an aggregate's subject cannot be read as an envelope."""


class EventStore(Protocol):
    """Append and load per-aggregate histories."""

    async def load(self, subject: str) -> Loaded:
        """The whole history of one subject."""
        ...

    async def append(
        self,
        subject: str,
        envelope: Envelope,
        *,
        expected: Version,
        msg_id: str,
        fingerprint: str = "",
    ) -> Appended:
        """Append one event if the subject is still at `expected`; idempotent per `msg_id`.
        `fingerprint` (of the request, see `services.common.idempotency`) is kept beside it."""
        ...


def encode(envelope: Envelope) -> bytes:
    """The message body of an envelope."""
    return envelope.model_dump_json().encode()


def headers_for(
    envelope: Envelope, *, expected: Version, msg_id: str, fingerprint: str = ""
) -> dict[str, str]:
    """Headers of an appended event; the concurrency check comes first."""
    headers = {
        hdr.HEADER_EXPECTED_LAST_SUBJECT_SEQ: str(expected.seq),
        hdr.HEADER_MSG_ID: msg_id,
        hdr.HEADER_EVENT_TYPE: envelope.event_type,
        hdr.HEADER_SCHEMA_VERSION: str(envelope.schema_version),
        hdr.HEADER_PREV_HASH: expected.hash,
        hdr.HEADER_CORRELATION_ID: envelope.correlation_id,
    }
    if fingerprint:
        headers[hdr.HEADER_REQUEST_FINGERPRINT] = fingerprint
    return headers


def appended_event(  # noqa: PLR0913 - one event as both stores record it
    subject: str,
    seq: int,
    envelope: Envelope,
    body: bytes,
    previous: Version,
    *,
    msg_id: str,
    fingerprint: str,
) -> StoredEvent:
    """The event just appended at `seq` after `previous`, chained to it, as a load returns it."""
    return StoredEvent(
        subject=subject,
        seq=seq,
        envelope=envelope,
        hash=event_hash(previous.hash, subject, envelope.event_type, body),
        prev_hash=previous.hash,
        msg_id=msg_id,
        recorded_at=dt.datetime.now(dt.UTC),
        fingerprint=fingerprint,
    )


def decode_stored(
    subject: str,
    seq: int,
    body: bytes,
    headers: dict[str, str],
    recorded_at: dt.datetime | None,
) -> StoredEvent:
    """Read a stream message back into a `StoredEvent`, recomputing its chain hash."""
    envelope = read_envelope(subject, seq, body)
    prev_hash = headers.get(hdr.HEADER_PREV_HASH, GENESIS_HASH)
    return StoredEvent(
        subject=subject,
        seq=seq,
        envelope=envelope,
        hash=event_hash(prev_hash, subject, envelope.event_type, body),
        prev_hash=prev_hash,
        msg_id=headers.get(hdr.HEADER_MSG_ID, ""),
        recorded_at=recorded_at or dt.datetime.now(dt.UTC),
        fingerprint=headers.get(hdr.HEADER_REQUEST_FINGERPRINT, ""),
    )


def read_envelope(subject: str, seq: int, body: bytes) -> Envelope:
    """The envelope of a stream message's body; `CorruptEvent` if it is not one.

    Text PostgreSQL cannot store is replaced first (`text_repair`): such an event was accepted
    before the contracts refused it, and must still load (an aggregate, a projection).
    """
    repaired = repair_body(body)
    try:
        return Envelope.model_validate_json(body if repaired is None else repaired.body)
    except ValueError as error:
        msg = f"{subject}#{seq} is not an envelope: {error}"
        raise CorruptEvent(msg) from error
