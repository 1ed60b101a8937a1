"""The event store: append with optimistic concurrency per subject, load an aggregate's history.

`JetStreamEventStore` follows the write path of DESIGN.md: publish with
`Nats-Expected-Last-Subject-Sequence` and `Nats-Msg-Id`, chain each event to the previous one on
its subject, and treat a wrong-last-sequence answer whose subject already holds our message id as
success (nats-server 2.12+ answers a retried publish that way; 2.9 answers it as a duplicate).
`InMemoryEventStore` keeps the same contract for service-layer tests.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from contracts import envelope as hdr
from contracts.chain import GENESIS_HASH, event_hash
from contracts.envelope import Envelope
from services.common import metrics
from services.common.text_repair import repair_body

if TYPE_CHECKING:
    from nats.js import JetStreamContext

WRONG_LAST_SEQUENCE = 10071


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


class InMemoryEventStore:
    """The event store contract over a list, for tests of the service layer."""

    def __init__(self) -> None:
        self.events: list[StoredEvent] = []
        self._msg_ids: dict[str, int] = {}

    async def load(self, subject: str) -> Loaded:
        """The whole history of one subject."""
        events = tuple(e for e in self.events if e.subject == subject)
        version = Version(events[-1].seq, events[-1].hash) if events else Version()
        return Loaded(subject, events, version)

    async def append(
        self,
        subject: str,
        envelope: Envelope,
        *,
        expected: Version,
        msg_id: str,
        fingerprint: str = "",
    ) -> Appended:
        """Append one event if the subject is still at `expected`; idempotent per `msg_id`."""
        if msg_id in self._msg_ids:
            first = self.events[self._msg_ids[msg_id] - 1]
            return Appended(subject, first.seq, duplicate=True, fingerprint=first.fingerprint)
        current = (await self.load(subject)).version
        if current.seq != expected.seq:
            raise ConcurrencyConflict(subject, expected.seq)
        seq = len(self.events) + 1
        self.events.append(
            appended_event(
                subject,
                seq,
                envelope,
                encode(envelope),
                current,
                msg_id=msg_id,
                fingerprint=fingerprint,
            )
        )
        self._msg_ids[msg_id] = seq
        return Appended(subject, seq)


class JetStreamEventStore:
    """The event store on one JetStream stream, with a bounded cache of loaded histories.

    A cached history is brought up to date with one direct get per new event plus one that finds
    nothing, so loading an unchanged aggregate costs a single round trip. The cache never decides
    anything on its own: the expected-sequence check on append catches every stale read.
    """

    def __init__(self, js: JetStreamContext, stream: str, *, cache_size: int = 50_000) -> None:
        self._js = js
        self._stream = stream
        self._cache: OrderedDict[str, Loaded] = OrderedDict()
        self._cache_size = cache_size

    async def load(self, subject: str) -> Loaded:
        """The whole history of one subject."""
        cached = self._cache.get(subject) or Loaded(subject)
        fresh: list[StoredEvent] = []
        version = cached.version
        while (stored := await self._next(subject, after=version.seq)) is not None:
            fresh.append(stored)
            version = Version(stored.seq, stored.hash)
        loaded = Loaded(subject, cached.events + tuple(fresh), version) if fresh else cached
        # Concurrent loads of one subject each read only what the cache lacks; the newest wins.
        current = self._cache.get(subject)
        if current is None or current.version.seq <= loaded.version.seq:
            self._remember(loaded)
        return loaded

    async def append(
        self,
        subject: str,
        envelope: Envelope,
        *,
        expected: Version,
        msg_id: str,
        fingerprint: str = "",
    ) -> Appended:
        """Append one event if the subject is still at `expected`; idempotent per `msg_id`."""
        from nats.js.errors import APIError  # noqa: PLC0415 - keeps the module importable bare

        body = encode(envelope)
        headers = headers_for(envelope, expected=expected, msg_id=msg_id, fingerprint=fingerprint)
        try:
            ack = await self._js.publish(subject, body, stream=self._stream, headers=headers)
        except APIError as error:
            if error.err_code != WRONG_LAST_SEQUENCE:
                raise
            self._cache.pop(subject, None)
            recorded = await self._find_msg_id(subject, after=expected.seq, msg_id=msg_id)
            if recorded is None:
                raise ConcurrencyConflict(subject, expected.seq) from error
            return Appended(subject, recorded.seq, True, recorded.fingerprint)
        if ack.duplicate:  # within the duplicate window, possibly on another subject
            self._cache.pop(subject, None)
            first = await self._js.get_msg(self._stream, seq=ack.seq, direct=True)
            fingerprint = (first.headers or {}).get(hdr.HEADER_REQUEST_FINGERPRINT, "")
            return Appended(subject, ack.seq, True, fingerprint)
        self._extend_cache(subject, envelope, body, expected=expected, seq=ack.seq, headers=headers)
        metrics.instruments().events_appended.labels(self._stream, envelope.event_type).inc()
        return Appended(subject, ack.seq)

    async def _next(self, subject: str, *, after: int) -> StoredEvent | None:
        from nats.js.errors import NotFoundError  # noqa: PLC0415

        try:
            raw = await self._js.get_msg(
                self._stream, seq=after + 1, subject=subject, next=True, direct=True
            )
        except NotFoundError:
            return None
        return decode_stored(
            raw.subject or subject, raw.seq or 0, raw.data or b"", raw.headers or {}, raw.time
        )

    async def _find_msg_id(self, subject: str, *, after: int, msg_id: str) -> StoredEvent | None:
        seq = after
        while (stored := await self._next(subject, after=seq)) is not None:
            if stored.msg_id == msg_id:
                return stored
            seq = stored.seq
        return None

    def _extend_cache(
        self,
        subject: str,
        envelope: Envelope,
        body: bytes,
        *,
        expected: Version,
        seq: int,
        headers: dict[str, str],
    ) -> None:
        cached = self._cache.get(subject)
        if cached is None or cached.version != expected:
            return  # the cache moved meanwhile; the next load catches up
        stored = appended_event(
            subject,
            seq,
            envelope,
            body,
            expected,
            msg_id=headers[hdr.HEADER_MSG_ID],
            fingerprint=headers.get(hdr.HEADER_REQUEST_FINGERPRINT, ""),
        )
        self._remember(Loaded(subject, (*cached.events, stored), Version(seq, stored.hash)))

    def _remember(self, loaded: Loaded) -> None:
        self._cache[loaded.subject] = loaded
        self._cache.move_to_end(loaded.subject)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)


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
