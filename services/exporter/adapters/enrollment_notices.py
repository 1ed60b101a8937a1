"""The grant sync's wake-up: a FastStream subscriber told of every ENROLLMENT message as it is
stored, so that a withdrawn link is revoked at once rather than at the next poll."""

from __future__ import annotations

import asyncio

from faststream.nats import NatsBroker

from contracts.enrollment import ENROLLMENT_EVENTS
from contracts.streams import ENROLLMENT
from contracts.subjects import enrollment_filter
from services.common.broker import subscribe_notices


def declare_enrollment_notices(broker: NatsBroker, wake: asyncio.Event) -> None:
    """Set `wake` whenever the enrollment stream grows (a core subscription sees every message
    stored under its subjects; the grant sync then folds the stream through its projection)."""

    async def woken() -> None:
        wake.set()

    subscribe_notices(
        broker,
        woken,
        stream=ENROLLMENT.name,
        subject=enrollment_filter(),
        events=ENROLLMENT_EVENTS,
        title="exporter_grant_sync_wake",
        description="Wakes the exporter's grant sync when an enrollment event is stored.",
    )
