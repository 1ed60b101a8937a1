"""The event store over a list (`services.common.eventstore.EventStore`), for tests of the
service layer."""

from __future__ import annotations

from contracts.envelope import Envelope
from services.common.eventstore import (
    Appended,
    ConcurrencyConflict,
    Loaded,
    StoredEvent,
    Version,
    appended_event,
    encode,
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
