"""The JetStream side of a projection: its durable consumer, replay consumers and their feeds."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

import nats.errors
import structlog
from nats.js import api
from nats.js.errors import NotFoundError

from services.common.pullfeed import PullFeed

if TYPE_CHECKING:
    from nats.js import JetStreamContext

logger = structlog.get_logger()

_ACK_WAIT = 300.0  # seconds; a batch commits long before, so a redelivery means a crash
_REPLAY_IDLE = 60.0  # seconds after which the server removes a crashed rebuild's consumer


class StreamSource:
    """Consumers on one stream and filter, read in batches through a `PullFeed`."""

    def __init__(
        self,
        js: JetStreamContext,
        *,
        stream: str,
        filter_subject: str,
        batch_size: int,
        fetch_timeout: float,
    ) -> None:
        self._js = js
        self.stream = stream
        self._filter = filter_subject
        self.batch_size = batch_size
        self.fetch_timeout = fetch_timeout

    async def last_seq(self) -> int:
        """The stream's last sequence now."""
        info = await self._js.stream_info(self.stream)
        return int(info.state.last_seq)

    async def open_durable(self, name: str, start_seq: int) -> PullFeed:
        """(Re)create the durable consumer `name` at `start_seq` and start pulling from it.

        Recreated rather than reused: the PostgreSQL checkpoint, not the consumer's ack floor,
        says where to start.
        """
        with contextlib.suppress(NotFoundError):
            await self._js.delete_consumer(self.stream, name)
        config = api.ConsumerConfig(
            name=name,
            durable_name=name,
            deliver_policy=api.DeliverPolicy.BY_START_SEQUENCE,
            opt_start_seq=start_seq,
            ack_policy=api.AckPolicy.ALL,
            ack_wait=_ACK_WAIT,
            filter_subject=self._filter,
            max_ack_pending=3 * self.batch_size,  # one batch in hand, two buffered by the feed
        )
        await self._js.add_consumer(self.stream, config)
        return await self._start_feed(name)

    async def open_replay(self, start_seq: int) -> tuple[PullFeed, str, int]:
        """An ephemeral, unacknowledged consumer from `start_seq`: (feed, name, pending)."""
        config = api.ConsumerConfig(
            deliver_policy=api.DeliverPolicy.BY_START_SEQUENCE,
            opt_start_seq=start_seq,
            ack_policy=api.AckPolicy.NONE,
            filter_subject=self._filter,
            mem_storage=True,
            num_replicas=1,
            inactive_threshold=_REPLAY_IDLE,
        )
        info = await self._js.add_consumer(self.stream, config)
        name = str(info.name)
        return await self._start_feed(name), name, int(info.num_pending or 0)

    async def delete_quietly(self, consumer: str) -> None:
        """Delete a replay consumer; failing is harmless, the server expires it anyway."""
        try:
            await self._js.delete_consumer(self.stream, consumer)
        except nats.errors.Error as error:
            logger.warning(
                "projection.consumer_cleanup_failed", consumer=consumer, error=repr(error)
            )

    async def pending(self, consumer: str) -> tuple[int, bool]:
        """(messages not yet delivered, whether everything delivered has been acked)."""
        info = await self._js.consumer_info(self.stream, consumer)
        return int(info.num_pending or 0), not info.num_ack_pending

    async def _start_feed(self, consumer: str) -> PullFeed:
        # The JetStream context knows its connection and API prefix (domain) but exposes neither.
        feed = PullFeed(
            self._js._nc,
            self.stream,
            consumer,
            batch=self.batch_size,
            expires=self.fetch_timeout,
            api_prefix=self._js._prefix,
        )
        await feed.start()
        return feed
