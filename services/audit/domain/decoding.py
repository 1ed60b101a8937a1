"""Logged events back into their contract models, through each stream's registry (upcasting).

Sealed personal data must be opened first (`services.audit.domain.log.opened`, which the
application layer's `OpenedLog` does for every read): a payload still sealed is not decoded.
"""

from __future__ import annotations

from contracts.base import Event
from contracts.registry import (
    DIARY_REGISTRY,
    ENROLLMENT_REGISTRY,
    JOURNAL_REGISTRY,
    PORTAL_REGISTRY,
    Registry,
)
from services.audit.domain.log import LoggedEvent

REGISTRIES: dict[str, Registry] = {
    "JOURNAL": JOURNAL_REGISTRY,
    "ENROLLMENT": ENROLLMENT_REGISTRY,
    "DIARY": DIARY_REGISTRY,
    "PORTAL": PORTAL_REGISTRY,
}


def decoded(event: LoggedEvent) -> Event | None:
    """The event's model, or None when it cannot be read (undecodable, unknown stream/type)."""
    registry = REGISTRIES.get(event.stream)
    if registry is None or not event.decodable:
        return None
    try:
        return registry.decode(event.event_type, event.schema_version, dict(event.data))
    except ValueError:  # unknown type or version, invalid payload (pydantic's error is one)
        return None
