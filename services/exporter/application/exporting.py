"""Export runs: a delta (what changed since the last run's cut) or a full (the whole year).

A run holds the (school, year) lock for its whole duration, records itself in the runs table,
and publishes one batch. The delta cursor is the cut of the furthest successful run, delta or
full (a full batch brings the diary up to its cut too). A failed run leaves the cursor where it
was: the next delta covers a superset, and since records are complete states the diary loses
and doubles nothing.
"""

from __future__ import annotations

import time
import uuid
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace

import structlog

from contracts.diary import BatchKind
from services.common import metrics
from services.common.name_guard import guard_for
from services.exporter.application.ports import Cut, Deps, RunRecord, Trigger
from services.exporter.application.publishing import BatchInfo, publish_batch
from services.exporter.domain.batches import batch_id

logger = structlog.get_logger()
_ERROR_LIMIT = 2000


@dataclass(slots=True)
class _Attempt:
    """The run as far as it got: what a failure records."""

    run: RunRecord
    clock: float


@dataclass(frozen=True, slots=True)
class Outcome:
    """A run's record; `already` when the range had been exported before (nothing published)."""

    run: RunRecord
    already: bool = False


class ExportFailed(Exception):
    """A run failed; `run` is its record (status 'failed', with the error)."""

    def __init__(self, run: RunRecord) -> None:
        super().__init__(f"export run {run.run_id} failed: {run.error}")
        self.run = run


async def export(
    deps: Deps, school: str, year: int, kind: BatchKind, trigger: Trigger, *, force: bool = False
) -> Outcome:
    """Run one export now (waiting for a run of the same school and year to finish first).

    `force` (full runs only) publishes a new batch even when the journal has not changed since
    the last full one: the operator's way to repair a batch the diary rejected.
    """
    if force and kind != "full":
        msg = "only a full export can be forced"
        raise ValueError(msg)
    async with deps.runs.lock(school, year):
        await deps.runs.interrupt_stale(school, year)
        started, clock = deps.clock.now(), time.perf_counter()
        attempt = _Attempt(RunRecord(uuid.uuid4(), school, year, kind, trigger, 0, started), clock)
        try:
            outcome = await _export(deps, attempt, force=force)
        except Exception as error:
            run = attempt.run
            failed = replace(
                run,
                status="failed",
                finished_at=deps.clock.now(),
                duration_ms=_ms(attempt.clock),
                error=f"{type(error).__name__}: {error}"[:_ERROR_LIMIT],
            )
            await deps.runs.save(failed)
            logger.warning("export.failed", run_id=str(run.run_id), error=failed.error)
            _measure(kind, "failed", attempt.clock)
            raise ExportFailed(failed) from error
    _measure(kind, "already" if outcome.already else outcome.run.status, attempt.clock)
    return outcome


def _measure(kind: BatchKind, outcome: str, clock: float) -> None:
    """Count the run by kind and outcome (published, empty, already, failed), time it."""
    measured = metrics.instruments()
    measured.export_runs.labels(kind, outcome).inc()
    measured.export_duration.labels(kind).observe(time.perf_counter() - clock)


async def _export(deps: Deps, attempt: _Attempt, *, force: bool) -> Outcome:
    run = attempt.run
    if run.kind == "delta":
        last = await deps.runs.last_cut(run.school, run.year)
        start = 0 if last is None or last.to_seq is None else last.to_seq
        await deps.state.catch_up()
        async with deps.state.changed(run.school, run.year, start) as cut:
            if last is not None and cut.to_seq <= start and _answers_a_delta(last, cut.to_seq):
                return Outcome(last, already=True)  # nothing new since the last delta
            attempt.run = replace(run, from_seq=start)
            return await _run(deps, attempt, cut)
    until = await deps.state.journal_last_seq()
    forced_by = str(run.run_id) if force else ""
    batch = batch_id("full", run.school, run.year, 0, until, forced_by)
    done = await deps.runs.find_done(batch)
    if done is not None:
        return Outcome(done, already=True)
    cutting: AbstractAsyncContextManager[Cut] = deps.state.full(run.school, run.year, until)
    attempt.run = replace(run, to_seq=until, batch_id=batch)
    await deps.runs.save(attempt.run)  # visible as 'running' during the replay
    async with cutting as cut:
        return await _run(deps, attempt, cut)


def _answers_a_delta(last: RunRecord, to_seq: int) -> bool:
    """Whether a delta that finds nothing new is answered with the last cut: yes when that was
    a delta, or when the export state lags behind it. After a full run the delta records a run
    of its own instead, empty (nothing is published): a delta is not answered with a full run."""
    return last.kind == "delta" or to_seq < (last.to_seq or 0)


async def _run(deps: Deps, attempt: _Attempt, cut: Cut) -> Outcome:
    run = attempt.run
    # A full run named its batch before the replay (a forced one names it after itself).
    batch = run.batch_id or batch_id(run.kind, run.school, run.year, run.from_seq, cut.to_seq)
    done = await deps.runs.find_done(batch)
    if done is not None:
        return Outcome(done, already=True)
    run = attempt.run = replace(run, batch_id=batch, to_seq=cut.to_seq)
    await deps.runs.save(run)
    info = BatchInfo(
        batch,
        run.kind,
        run.school,
        run.year,
        run.from_seq,
        cut.to_seq,
        deps.clock.now(),
        str(run.run_id),
    )
    guard = guard_for(cut.names)  # the school's pupils: each named in a free text is redacted
    published = await publish_batch(deps, info, cut.docs, guard.redact)
    if published.names_redacted:
        metrics.instruments().export_names_redacted.labels(run.kind).inc(published.names_redacted)
    finished = replace(
        run,
        status="published" if published.records else "empty",
        finished_at=deps.clock.now(),
        records=published.records,
        files_copied=published.files_copied,
        files_missing=published.files_missing,
        checksum=published.checksum,
        duration_ms=_ms(attempt.clock),
        names_redacted=published.names_redacted,
    )
    await deps.runs.save(finished)
    logger.info(
        "export.finished",
        run_id=str(run.run_id),
        batch_id=batch,
        status=finished.status,
        records=finished.records,
        names_redacted=finished.names_redacted,
        ms=finished.duration_ms,
    )
    return Outcome(finished)


def _ms(clock: float) -> int:
    return round((time.perf_counter() - clock) * 1000)
