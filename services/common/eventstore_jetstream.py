"""The event store on a JetStream stream (`services.common.eventstore.EventStore`): the write
path of DESIGN.md, with a bounded cache of loaded histories."""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Final

from contracts import envelope as hdr
from contracts.envelope import Envelope
from services.common import metrics
from services.common.eventstore import (
    Appended,
    ConcurrencyConflict,
    Loaded,
    StoredEvent,
    Version,
    appended_event,
    decode_stored,
    encode,
    headers_for,
)
from services.common.patience import patiently

if TYPE_CHECKING:
    from nats.js import JetStreamContext
    from nats.js.api import PubAck

WRONG_LAST_SEQUENCE: Final = frozenset({10071, 10164})
"""JetStream's error codes for a subject that is not at the expected sequence: 10071 carries
the subject's sequence; a replicated stream answers 10164 (no sequence) when another message
on the subject is still being replicated, the same refusal."""


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
        sent = 0

        async def publish() -> PubAck:
            nonlocal sent
            sent += 1
            return await self._js.publish(subject, body, stream=self._stream, headers=headers)

        try:
            ack = await patiently(publish)
        except APIError as error:
            if error.err_code not in WRONG_LAST_SEQUENCE:
                raise
            # The server checks the expected sequence before its duplicate window: a command
            # sent again is recorded when its subject holds its message id, after `expected`
            # (a retry of the same attempt) or before it (a retry that loaded what it made).
            history = await self.load(subject)
            recorded = next((e for e in reversed(history.events) if e.msg_id == msg_id), None)
            if recorded is None:
                raise ConcurrencyConflict(subject, expected.seq) from error
            if sent > 1 and recorded.seq > expected.seq:
                return self._resent(subject, envelope, recorded.seq)
            return Appended(subject, recorded.seq, True, recorded.fingerprint)
        if ack.duplicate and sent > 1:
            return self._resent(subject, envelope, ack.seq)
        if ack.duplicate:  # within the duplicate window, possibly on another subject
            self._cache.pop(subject, None)
            first = await patiently(
                lambda: self._js.get_msg(self._stream, seq=ack.seq, direct=True)
            )
            fingerprint = (first.headers or {}).get(hdr.HEADER_REQUEST_FINGERPRINT, "")
            return Appended(subject, ack.seq, True, fingerprint)
        self._extend_cache(subject, envelope, body, expected=expected, seq=ack.seq, headers=headers)
        metrics.instruments().events_appended.labels(self._stream, envelope.event_type).inc()
        return Appended(subject, ack.seq)

    def _resent(self, subject: str, envelope: Envelope, seq: int) -> Appended:
        """A publish whose answer timed out was recorded, and the resend met that record: the
        command is recorded now, by this call (not a duplicate of an earlier command). Another
        process sending the same command id in the same instant would be answered the same;
        both then report what one of them recorded."""
        self._cache.pop(subject, None)
        metrics.instruments().events_appended.labels(self._stream, envelope.event_type).inc()
        return Appended(subject, seq)

    async def _next(self, subject: str, *, after: int) -> StoredEvent | None:
        from nats.js.errors import NotFoundError  # noqa: PLC0415

        try:
            raw = await patiently(
                lambda: self._js.get_msg(
                    self._stream, seq=after + 1, subject=subject, next=True, direct=True
                )
            )
        except NotFoundError:
            return None
        return decode_stored(
            raw.subject or subject, raw.seq or 0, raw.data or b"", raw.headers or {}, raw.time
        )

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
