"""What a projector reports: its status for health checks and metrics, a rebuild's result."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

STUCK_AFTER = dt.timedelta(minutes=5)
"""A projector with events waiting and no batch for this long is reported unhealthy."""


@dataclass(frozen=True, slots=True)
class ProjectorStatus:
    """What health checks and metrics show about a projector."""

    projection: str
    running: bool
    last_seq: int
    pending: int | None
    stream_last_seq: int | None
    dead_letters: int
    batches: int
    events_applied: int
    last_batch_at: dt.datetime | None
    resyncs: int = 0
    last_error: str | None = None

    @property
    def healthy(self) -> bool:
        """Running, the last batch (or retry) did not fail, and not stuck."""
        return self.running and self.last_error is None and not self.stuck

    @property
    def stuck(self) -> bool:
        """Events were waiting at the last batch, and no batch came for `STUCK_AFTER` since."""
        if not self.pending or self.last_batch_at is None:
            return False
        return dt.datetime.now(dt.UTC) - self.last_batch_at > STUCK_AFTER


@dataclass(frozen=True, slots=True)
class RebuildResult:
    """The outcome of a rebuild: where it went, how far, what it applied, how long it took."""

    schema: str
    last_seq: int
    events_applied: int
    dead_letters: int
    seconds: float
