"""Decoding an aggregate's stored events, where a failure names the event instead of crashing.

A command folds the aggregate's whole history before it decides. One event in it that this
process cannot decode (a version from a newer replica, a payload that no longer validates) must
not surface as an opaque 500: `UndecodableEvent` says which event it is, and
`services.common.outage` answers it (503 for a newer version, 409 `corrupt_history` otherwise).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pydantic import ValidationError

from services.common.eventstore import CorruptEvent

if TYPE_CHECKING:
    from contracts.base import Event
    from contracts.personal import Opener
    from contracts.registry import Registry
    from services.common.eventstore import StoredEvent


class UndecodableEvent(CorruptEvent):
    """A stored event whose payload the registry cannot turn into its current model."""

    def __init__(self, stored: StoredEvent, error: ValueError) -> None:
        envelope = stored.envelope
        what = f"{envelope.event_type} v{envelope.schema_version}"
        super().__init__(f"{stored.subject}#{stored.seq} ({what}): {_why(error)}")
        self.subject = stored.subject
        self.seq = stored.seq


def _why(error: ValueError) -> str:
    """What is wrong, without the payload's values (a validation error quotes its input, which
    may be personal data, and this message reaches the log)."""
    if isinstance(error, ValidationError):
        fields = sorted({".".join(str(part) for part in e["loc"]) for e in error.errors()})
        return f"invalid payload at {', '.join(fields) or '(root)'}"
    return str(error)


def decode_events(
    registry: Registry, events: Sequence[StoredEvent], opener: Opener | None = None
) -> list[Event]:
    """Payloads of stored events, upcast to the current versions, sealed personal data opened
    by `opener`; `UndecodableEvent` (caused by the registry's or pydantic's error) for the
    first one that cannot be."""
    decoded: list[Event] = []
    for stored in events:
        envelope = stored.envelope
        try:
            event = registry.decode(
                envelope.event_type, envelope.schema_version, envelope.data, opener
            )
        except ValueError as error:  # UnknownEventType, UnsupportedVersion, ValidationError
            raise UndecodableEvent(stored, error) from error
        decoded.append(event)
    return decoded
