"""The projection runner: a durable pull consumer feeding a PostgreSQL read model in batches.

Two ways to read the consumer: `run()` follows it live as a FastStream subscriber
(`projector_live`); `run_until()`/`drain()` catch up to a target and `rebuild*()` replay through
the hand-driven `PullFeed`: a baseline measured FastStream's batch pull at about 0.2 of a
hand-driven pull, which counts for a backlog or a full replay.

Each batch is decoded, applied in stream order and committed together with the checkpoint (the
last stream sequence) in one transaction; only then is the batch acked (AckAll on its last
message). The PostgreSQL checkpoint is the truth: at start, and whenever the stored checkpoint is
not the one this runner committed (a rebuild swapped the tables), the durable consumer is
recreated at checkpoint + 1. Undecodable events and events the projection refuses become dead
letters; connection errors are retried with backoff and never become dead letters.

One `Projector` runs one projection; `run()` and `drain()` must not run at the same time.
A schema swap replaces everything in the schema, so a schema rebuilt with `rebuild` should hold
one projection (or the caller rebuilds all of its projections into it before swapping).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING

import nats.errors
import nats.js.errors
import structlog

from contracts.registry import Registry
from services.common.broker import Deliveries, ServiceBroker
from services.common.db import Pool
from services.common.keystore import KeySource, ring_for_messages
from services.common.lease import Lease
from services.common.projector_batch import (
    Batch,
    CheckpointMovedError,
    DeadLetter,
    Projected,
    Projection,
)
from services.common.projector_decode import decode_batch, relaxed_gc
from services.common.projector_live import LiveSession
from services.common.projector_progress import Progress
from services.common.projector_rebuild import Rebuilder
from services.common.projector_replay import STALL_LIMIT, StallWatch
from services.common.projector_retry import (
    RETRYABLE,
    SCHEMA_CHANGED_ERRORS,
    Backoff,
    raise_if_cancelled,
)
from services.common.projector_source import StreamSource
from services.common.projector_status import STUCK_AFTER, ProjectorStatus, RebuildResult
from services.common.projector_writer import BatchWriter, write_batch
from services.common.pullfeed import PullFeed

if TYPE_CHECKING:
    from pathlib import Path

    from nats.aio.msg import Msg
    from nats.js import JetStreamContext

__all__ = [
    "STUCK_AFTER",
    "DeadLetter",
    "Projected",
    "Projection",
    "Projector",
    "ProjectorStatus",
    "RebuildResult",
]

logger = structlog.get_logger()
_DRAIN_POLL_SECONDS = 0.01


class Projector:
    """Runs one projection from one stream (filtered by subject) into the pool's schema."""

    def __init__(  # noqa: PLR0913 - the projection's whole wiring, all keyword-only
        self,
        js: JetStreamContext,
        pool: Pool,
        *,
        stream: str,
        filter_subject: str,
        registry: Registry,
        projection: Projection,
        batch_size: int = 1000,
        fetch_timeout: float = 1.0,
        stall_limit: float = STALL_LIMIT,
        keys: KeySource | None = None,
    ) -> None:
        self._pool = pool
        self._keys = keys  # school side: sealed personal data is opened; portal side: refused
        self._stall_limit = stall_limit  # silence a read with a target waits out (logged)
        self._source = StreamSource(
            js,
            stream=stream,
            filter_subject=filter_subject,
            batch_size=batch_size,
            fetch_timeout=fetch_timeout,
        )
        self._registry = registry
        self._projection = projection
        self._batch_size = batch_size
        self._fetch_timeout = fetch_timeout
        self._writer = BatchWriter(projection)
        self._lease = Lease(pool, f"projection:{projection.name}")
        self._feed: PullFeed | None = None
        self._stopping = asyncio.Event()
        self._live_backoff = Backoff()  # reset by every batch the live subscription applies
        self._running = False
        self._progress = Progress(projection.name)
        self._rebuilder = Rebuilder(
            pool, self._source, registry, projection, self._progress.log_batch, stall_limit, keys
        )

    @property
    def name(self) -> str:
        """The projection's name: its checkpoint key and durable consumer name."""
        return self._projection.name

    async def run(self) -> None:
        """Apply batches as they arrive until `stop()`; every error is logged and retried.

        The live path: a FastStream subscriber (`projector_live`) on the durable consumer,
        recreated at the checkpoint + 1 for every session, so a failed batch comes again. Of the
        replicas of a service, one at a time follows (`services.common.lease`); the others wait
        to take over.
        """
        self._stopping.clear()
        self._running = True
        self._live_backoff.reset()
        try:
            while await self._lease.take(self._stopping):
                try:
                    await self._follow_while_held()
                finally:
                    await self._lease.release()
                    self._progress.pending = None  # another replica follows now
        finally:
            self._running = False
            await self.close()

    async def _follow_while_held(self) -> None:
        """Follow live until `stop()` or until the lease is lost (seen after a failure)."""
        while not self._stopping.is_set():
            raise_if_cancelled()
            try:
                await self._follow_live()
            except Exception as error:  # a consumer must outlive any batch
                await self._recover(error, self._live_backoff)
                if not await self._lease.still_held():
                    return

    @contextlib.asynccontextmanager
    async def running(self, enabled: bool = True) -> AsyncIterator[bool]:
        """Run the projector in the background for the block (when `enabled`); on leaving,
        stop it after the batch in hand. Yields whether it runs."""
        task = asyncio.create_task(self.run()) if enabled else None
        try:
            yield task is not None
        finally:
            self.stop()
            if task is not None:
                await task

    def stop(self) -> None:
        """Ask `run()` to return after the batch in hand (at most one fetch timeout later)."""
        self._stopping.set()

    async def run_until(self, seq: int) -> int:
        """Apply batches until the checkpoint reaches `seq` or nothing more matches the filter.

        Ends on the server's word (the consumer's pending count), never on a silent fetch: the
        server may be skipping other subjects' messages; a silence past the stall limit raises
        `ReplayStalledError`. Connection errors and swaps are retried as in `run()`; any other
        error propagates. Returns the checkpoint.
        """
        backoff = Backoff()
        watch = StallWatch(self._source.stream, seq, self._stall_limit)
        ask_server = True  # whether anything is left at all, before waiting for messages
        while True:
            raise_if_cancelled()
            try:
                await self._ensure_feed()
                if self._writer.committed >= seq or (ask_server and await self._caught_up()):
                    return self._writer.committed
                batch = await self._step()
                backoff.reset()
            except RETRYABLE as error:
                await self._recover(error, backoff)
                watch.delivered()  # an outage is retried as before; only a silence counts
                ask_server = True
                continue
            if batch is None:
                watch.silent()
            else:
                watch.delivered()
            ask_server = batch is None or batch.pending == 0

    async def drain(self) -> int:
        """Apply everything up to the stream's last sequence as of now; return the checkpoint.

        While `run()` goes on in the background, wait for it instead: two loops pulling from one
        consumer would take batches from each other.
        """
        target = self._progress.stream_last_seq = await self._source.last_seq()
        while self._running:
            try:
                # Caught up: nothing delivered to the running loop is still to commit.
                if self._writer.committed >= target or await self._caught_up():
                    return self._writer.committed
            except RETRYABLE:  # the loop is recreating its consumer: ask again
                pass
            await asyncio.sleep(_DRAIN_POLL_SECONDS)
        return await self.run_until(target)

    def status(self) -> ProjectorStatus:
        """A snapshot for health and metrics (no I/O)."""
        return self._progress.status(running=self._running, last_seq=self._writer.committed)

    async def describe(self) -> ProjectorStatus:
        """`status()` with the stream's last sequence and the checkpoint read from the servers."""
        self._progress.stream_last_seq = await self._source.last_seq()
        async with self._pool.acquire() as conn:
            checkpoint, dead_letters = await BatchWriter(self._projection).load(conn)
        self._progress.count_dead_letters(dead_letters)
        return dataclasses.replace(self.status(), last_seq=checkpoint)

    async def close(self) -> None:
        """Stop pulling (the durable consumer stays; the next start recreates it anyway)."""
        if self._feed is not None:
            feed, self._feed = self._feed, None
            await feed.close()

    async def rebuild_into(
        self, schema: str, *migrations: Path, until: int | None = None
    ) -> RebuildResult:
        """Replay the stream into `schema` up to `until` (`Rebuilder.rebuild_into`)."""
        return await self._rebuilder.rebuild_into(schema, *migrations, until=until)

    async def rebuild(
        self, schema: str, *migrations: Path, until: int | None = None
    ) -> RebuildResult:
        """Rebuild from sequence 1 and swap it in as `schema` (`Rebuilder.rebuild`)."""
        return await self._rebuilder.rebuild(schema, *migrations, until=until)

    # ------------------------------------------------------------------ live runner internals

    def declare_live(self, broker: ServiceBroker, start_seq: int = 1) -> LiveSession:
        """Declare the live subscription on `broker`, no I/O: FastStream subscribes it when the
        broker starts, and the AsyncAPI document is generated from it."""
        session = LiveSession(
            self._source,
            consumer=self._source.durable_config(self.name, start_seq),
            events=self._registry.types(),
            apply=self._apply_live,
            on_pending=self._set_pending,
        )
        summary = (type(self._projection).__doc__ or self.name).strip().splitlines()[0]
        session.declare(broker, summary)
        return session

    async def _follow_live(self) -> None:
        """Catch up by hand, then one live session from the checkpoint + 1, until `stop()`, a
        backlog (returns) or a failure (raised)."""
        await self._catch_up()
        if self._stopping.is_set():
            return
        start_seq = self._start_seq(await self._load_checkpoint())
        await self._source.recreate_durable(self.name, start_seq)
        self._progress.last_error = None
        broker = ServiceBroker(self._source.connection, api_prefix=self._source.api_prefix)
        await self.declare_live(broker, start_seq).follow(broker, self._stopping)

    async def _catch_up(self) -> None:
        """Apply what waits on the server through the hand-driven feed, then let go of it."""
        await self._ensure_feed()
        while not self._stopping.is_set() and not await self._caught_up():
            raise_if_cancelled()
            await self._step()
        await self.close()

    async def _apply_live(self, msgs: Deliveries) -> None:
        await self._apply(msgs)
        self._live_backoff.reset()
        self._progress.last_error = None

    async def _step(self) -> Batch | None:
        """One batch of a catch-up (`run_until`), through the hand-driven feed."""
        feed = await self._ensure_feed()
        msgs = await feed.take(self._batch_size, self._fetch_timeout)
        return await self._apply(msgs) if msgs else None

    async def _apply(self, msgs: Sequence[Msg]) -> Batch:
        """Decode, write with the checkpoint in one transaction, then ack the batch."""
        started = time.perf_counter()
        with relaxed_gc():
            batch = decode_batch(msgs, self._registry, await ring_for_messages(self._keys, msgs))
            async with self._pool.acquire() as conn:
                written = await write_batch(conn, self._writer, batch)
        await self._ack(batch.msgs[-1])
        self._progress.record(batch, written, started)
        return batch

    async def _load_checkpoint(self) -> int:
        async with self._pool.acquire() as conn:
            checkpoint, dead_letters = await self._writer.load(conn)
        self._progress.count_dead_letters(dead_letters)
        return checkpoint

    def _set_pending(self, pending: int) -> None:
        self._progress.pending = pending

    async def _ensure_feed(self) -> PullFeed:
        if self._feed is None:
            checkpoint = await self._load_checkpoint()
            self._feed = await self._source.open_durable(self.name, self._start_seq(checkpoint))
            # Both servers answered again: healthy, though a backlog may take a while to apply
            # (a projector that then stops moving is caught as stuck).
            self._progress.last_error = None
        return self._feed

    def _start_seq(self, checkpoint: int) -> int:
        """Where the durable consumer starts: right after the checkpoint (tests start earlier)."""
        return checkpoint + 1

    async def _caught_up(self) -> bool:
        pending, all_acked = await self._source.pending(self.name)
        self._progress.pending = pending
        return pending == 0 and all_acked

    async def _ack(self, msg: Msg) -> None:
        # AckAll on the last message acks the batch. Waiting for the server's answer means
        # `_caught_up` afterwards sees the batch as acked. A lost ack only causes a
        # redelivery, which the checkpoint turns into a no-op.
        try:
            await msg.ack_sync(timeout=self._fetch_timeout + 1.0)
        except (nats.errors.Error, TimeoutError) as error:
            logger.warning("projection.ack_failed", projection=self.name, error=repr(error))

    async def _recover(self, error: BaseException, backoff: Backoff) -> None:
        self._progress.last_error = repr(error)
        if isinstance(error, CheckpointMovedError):
            self._progress.resyncs += 1
            logger.info("projection.resync", projection=self.name, checkpoint=error.checkpoint)
        elif isinstance(error, RETRYABLE):
            logger.warning("projection.retry", projection=self.name, error=repr(error))
            await backoff.wait()
        else:
            logger.error("projection.failed", projection=self.name, exc_info=error)
            await backoff.wait()
        if isinstance(error, (CheckpointMovedError, *SCHEMA_CHANGED_ERRORS)):
            # The tables were swapped: cached statement plans may name the dropped ones.
            await self._pool.expire_connections()
        await self.close()  # the next step reads the checkpoint again and recreates the consumer
