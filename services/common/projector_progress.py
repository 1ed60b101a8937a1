"""What a live projector counted since it started, and where it tells it: its status, the
metrics and the log."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import structlog

from services.common import metrics
from services.common.projector_status import ProjectorStatus

if TYPE_CHECKING:
    from services.common.projector_batch import Batch, Written

logger = structlog.get_logger()


@dataclass(slots=True)
class Progress:
    """The mutable part of a projector's status, kept for the projection `name`."""

    name: str
    batches: int = 0
    events: int = 0
    dead_letters: int = 0
    pending: int | None = None
    stream_last_seq: int | None = None
    last_batch_at: dt.datetime | None = None
    resyncs: int = 0
    last_error: str | None = None

    def status(self, *, running: bool, last_seq: int) -> ProjectorStatus:
        """A snapshot for health and metrics."""
        return ProjectorStatus(
            projection=self.name,
            running=running,
            last_seq=last_seq,
            pending=self.pending,
            stream_last_seq=self.stream_last_seq,
            dead_letters=self.dead_letters,
            batches=self.batches,
            events_applied=self.events,
            last_batch_at=self.last_batch_at,
            resyncs=self.resyncs,
            last_error=self.last_error,
        )

    def record(self, batch: Batch, written: Written, started: float) -> None:
        """Account for a live batch (a replay's batches go to other tables and are only logged)."""
        self.batches += 1
        self.events += written.applied
        self.pending = batch.pending
        self.last_batch_at = dt.datetime.now(dt.UTC)
        measured = metrics.instruments()
        measured.projection_applied.labels(self.name).inc(written.applied)
        measured.projection_lag.labels(self.name).set(batch.pending)
        if written.dead_letters:
            self.count_dead_letters(self.dead_letters + written.dead_letters)
        self.log_batch(batch, written, started, "projection.batch")

    def count_dead_letters(self, count: int) -> None:
        """The live dead-letter table holds `count` rows of this projection. The metric is set
        from the table, so each poison message counts once: not again when a replay (a
        rebuild, a full export) meets it, and not from zero after a restart."""
        self.dead_letters = count
        metrics.instruments().dead_letters.labels(self.name).set(count)

    def log_batch(self, batch: Batch, written: Written, started: float, event: str) -> None:
        """One log line for a batch applied (live or replayed) since `started`."""
        logger.info(
            event,
            projection=self.name,
            first_seq=batch.first_seq,
            last_seq=batch.last_seq,
            count=len(batch.items),
            dead_letters=written.dead_letters,
            ms=round((time.perf_counter() - started) * 1000, 1),
        )
