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
    from nats.aio.client import Client
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
        self.filter_subject = filter_subject
        self.batch_size = batch_size
        self.fetch_timeout = fetch_timeout

    async def last_seq(self) -> int:
        """The stream's last sequence now."""
        info = await self._js.stream_info(self.stream)
        return int(info.state.last_seq)

    async def open_durable(self, name: str, start_seq: int) -> PullFeed:
        """(Re)create the durable consumer `name` at `start_seq` and start pulling from it."""
        await self.recreate_durable(name, start_seq)
        return await self._start_feed(name)

    async def recreate_durable(self, name: str, start_seq: int) -> None:
        """(Re)create the durable consumer `name` at `start_seq`.

        Recreated rather than reused: the PostgreSQL checkpoint, not the consumer's ack floor,
        says where to start.
        """
        with contextlib.suppress(NotFoundError):
            await self._js.delete_consumer(self.stream, name)
        await self._js.add_consumer(self.stream, self.durable_config(name, start_seq))

    def durable_config(self, name: str, start_seq: int) -> api.ConsumerConfig:
        """The durable consumer of a projection: from `start_seq`, one AckAll per batch."""
        return api.ConsumerConfig(
            name=name,
            durable_name=name,
            deliver_policy=api.DeliverPolicy.BY_START_SEQUENCE,
            opt_start_seq=start_seq,
            ack_policy=api.AckPolicy.ALL,
            ack_wait=_ACK_WAIT,
            filter_subject=self.filter_subject,
            max_ack_pending=3 * self.batch_size,  # one batch in hand, two buffered ahead
        )

    async def open_replay(self, start_seq: int) -> tuple[PullFeed, str, int]:
        """An ephemeral, unacknowledged consumer from `start_seq`: (feed, name, pending)."""
        config = api.ConsumerConfig(
            deliver_policy=api.DeliverPolicy.BY_START_SEQUENCE,
            opt_start_seq=start_seq,
            ack_policy=api.AckPolicy.NONE,
            filter_subject=self.filter_subject,
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
        info = await self.consumer_info(consumer)
        return int(info.num_pending or 0), not info.num_ack_pending

    async def consumer_info(self, consumer: str) -> api.ConsumerInfo:
        """What the server says of `consumer` now (NotFoundError when it does not exist)."""
        info: api.ConsumerInfo = await self._js.consumer_info(self.stream, consumer)
        return info

    @property
    def connection(self) -> Client:
        """The NATS connection behind the JetStream context (the service's own)."""
        # The JetStream context knows its connection and API prefix (domain) but exposes neither.
        connection: Client = self._js._nc
        return connection

    @property
    def api_prefix(self) -> str:
        """The JetStream API subject prefix (it carries the domain, if any)."""
        return str(self._js._prefix)

    async def _start_feed(self, consumer: str) -> PullFeed:
        feed = PullFeed(
            self.connection,
            self.stream,
            consumer,
            batch=self.batch_size,
            expires=self.fetch_timeout,
            api_prefix=self.api_prefix,
        )
        await feed.start()
        return feed
