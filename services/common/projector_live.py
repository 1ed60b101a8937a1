"""The live path of a projector: a FastStream subscriber on the projection's durable consumer.

One session: the caller has caught up with the hand-driven `PullFeed` and (re)created the
durable consumer at its checkpoint + 1; FastStream pulls it and hands each delivery to `apply`
(decode, one PostgreSQL transaction with the checkpoint, then the AckAll). The first failure ends
the session: later deliveries of the same subscription are neither applied nor acked (applying
them would skip the failed one), the broker stops, and the caller starts again from its
checkpoint + 1 on a new subscription (messages buffered for the old one cannot come in between).

Why batches of one, and a backlog left to the hand-driven feed: FastStream's batch pull hands a
batch over only once it is full or its timeout has passed, so every live event would wait that
timeout (measured: 0.1 s of linger, 66 ms on average; 10 ms of linger, 6 % of a core per idle
projector), and a baseline measured its throughput at about 0.2 of a hand-driven pull. A batch
of one is handed over as it arrives and an idle pull costs one request per fetch timeout; when
a delivery says `BACKLOG` or more events wait on the server, the session ends after it and the
caller catches up with the hand-driven feed (as rebuilds and replays do) before the next one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import structlog

from services.common.broker import Deliveries, ServiceBroker, subscribe_batches
from services.common.projector_retry import raise_if_cancelled
from services.common.pullfeed import DeliveryLostError, follows, position

if TYPE_CHECKING:
    from nats.js import api

    from contracts.base import Event
    from services.common.projector_source import StreamSource

logger = structlog.get_logger()

LIVE_BATCH = 1
"""Deliveries per live batch: handed over as they arrive (see the module's docstring)."""
BACKLOG = 100
"""Events waiting on the server from which the session hands over to the hand-driven feed."""
CHECK_EVERY = 2.0
"""Seconds between checks of the durable consumer: that it still exists (a subscription to a
deleted consumer just stays silent), that nothing it delivered was lost on the way, and the
pending count shown in the status."""


class LiveSession:
    """One FastStream subscription of a projector, until it is stopped, a batch fails or a
    backlog is better caught up by hand."""

    def __init__(
        self,
        source: StreamSource,
        *,
        consumer: api.ConsumerConfig,
        events: tuple[type[Event], ...],
        apply: Callable[[Deliveries], Awaitable[object]],
        on_pending: Callable[[int], None],
    ) -> None:
        self._source = source
        self._consumer = consumer
        self._events = events
        self._apply = apply
        self._on_pending = on_pending
        self._outcome: asyncio.Future[Exception | None] | None = None  # None: a backlog
        self._delivered = 0  # the consumer's sequence of the last delivery handed to `apply`
        self._busy = False  # a batch is in hand
        self._missing_since: int | None = None  # `_delivered` when deliveries were missing

    def declare(self, broker: ServiceBroker, description: str) -> None:
        """Subscribe this session's batch handler on `broker` (also for the AsyncAPI document)."""
        subscribe_batches(
            broker,
            self._handle,
            stream=self._source.stream,
            subject=self._source.filter_subject,
            consumer=self._consumer,
            batch_size=LIVE_BATCH,
            linger=self._source.fetch_timeout,
            events=self._events,
            description=description,
        )

    async def follow(self, broker: ServiceBroker, stop: asyncio.Event) -> None:
        """Run the subscription until `stop` is set or a backlog waits; raise the error that
        ended it otherwise."""
        outcome = self._outcome = asyncio.get_running_loop().create_future()
        try:
            await broker.start()
            while not stop.is_set():
                raise_if_cancelled()  # a client library's await may have swallowed it
                await _first_of(stop, outcome, CHECK_EVERY)
                if outcome.done():
                    error = outcome.result()
                    if error is not None:
                        raise error
                    return
                await self._check()
        finally:
            await _stop_quietly(broker)

    async def _check(self) -> None:
        """Refresh the pending count; raise NotFoundError when the consumer is gone, and
        `DeliveryLostError` when the server delivered more than reached the handler, at two
        checks in a row with no batch in hand (the lost messages wait for the ack timeout)."""
        info = await self._source.consumer_info(str(self._consumer.durable_name))
        self._on_pending(int(info.num_pending or 0))
        delivered = int(info.delivered.consumer_seq or 0) if info.delivered else 0
        missing = not self._busy and delivered > self._delivered
        if missing and self._missing_since == self._delivered:
            lost = f"deliveries {self._delivered + 1}..{delivered} of {self._consumer.name}"
            raise DeliveryLostError(lost)
        self._missing_since = self._delivered if missing else None

    async def _handle(self, deliveries: Deliveries) -> None:
        outcome = self._outcome
        if outcome is None or outcome.done():
            return  # the session is over: not applied, not acked; the next one has them again
        self._busy = True
        try:
            # The consumer is new for every session, so its first delivery is number 1.
            name = str(self._consumer.name)
            self._delivered = follows(self._delivered, deliveries, name)
            await self._apply(deliveries)
            if position(deliveries[-1].reply)[2] >= BACKLOG:
                outcome.set_result(None)
        except Exception as error:  # the session ends; the projector recovers and resyncs
            outcome.set_result(error)
        finally:
            self._busy = False


async def _first_of(stop: asyncio.Event, outcome: asyncio.Future[Any], limit: float) -> None:
    """Wait until `stop` is set or `outcome` is done, at most `limit` seconds."""
    stopped = asyncio.ensure_future(stop.wait())
    waiting: set[asyncio.Future[Any]] = {stopped, outcome}
    try:
        await asyncio.wait(waiting, timeout=limit, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopped.cancel()


async def _stop_quietly(broker: ServiceBroker) -> None:
    """Stop the subscription; during an outage unsubscribing may fail, which changes nothing
    (the next session subscribes a new inbox)."""
    try:
        await broker.stop()
    except Exception as error:
        logger.warning("projection.unsubscribe_failed", error=repr(error))
