"""FastStream's NATS broker for the services' live subscriptions, and how they are declared.

A service owns its NATS connection (`services.common.jetstream.connect`: it reconnects forever,
bounds what it buffers, logs a lost connection in one line). The broker borrows that connection
instead of opening its own, so a live subscription follows a NATS restart exactly as the
service's other clients do, and stopping the broker leaves the connection to its owner.

Handlers are called without FastStream's casting (`apply_types=False`): a projection decodes
its own messages, and a malformed one must reach it to become a dead letter rather than fail
before the handler. Their parameter annotations are read for the AsyncAPI document only.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from types import GenericAlias, TracebackType
from typing import TYPE_CHECKING, Annotated, Any

from faststream import AckPolicy
from faststream.nats import JStream, NatsBroker, PullSub
from nats.aio.client import Client
from nats.aio.msg import Msg
from pydantic import WithJsonSchema

from contracts.docs import stream_message_schema

if TYPE_CHECKING:
    from faststream.message import StreamMessage
    from nats.js import api

    from contracts.base import Event

Deliveries = list[Msg]
BatchHandler = Callable[[Deliveries], Awaitable[None]]
STOP_GRACE = 30.0
"""Seconds a stopping subscriber waits for the batch in hand to commit and be acked."""
NOT_CONNECTED = "nats://localhost:4222"
"""The server a broker built only for the AsyncAPI document names (it never connects)."""


class ServiceBroker(NatsBroker):
    """A `NatsBroker` on the service's own connection (none: a broker for the document)."""

    def __init__(self, connection: Client | None = None, *, api_prefix: str = "$JS.API") -> None:
        super().__init__(
            NOT_CONNECTED,
            apply_types=False,
            log_level=logging.DEBUG,  # every batch is logged by its consumer already
            graceful_timeout=STOP_GRACE,
            js_options={"prefix": api_prefix},
        )
        self._borrowed = connection

    async def _connect(self) -> Client:
        # The one hook FastStream gives to make a connection; this one is lent, not made.
        if self._borrowed is None:
            msg = "a broker built for the AsyncAPI document does not connect"
            raise RuntimeError(msg)
        self.config.connect(self._borrowed)
        return self._borrowed

    async def stop(
        self,
        exc_type: type[BaseException] | None = None,
        exc_val: BaseException | None = None,
        exc_tb: TracebackType | None = None,
    ) -> None:
        """Stop the subscribers; the borrowed connection stays open (NatsBroker would drain it)."""
        self._connection = None
        await super().stop(exc_type, exc_val, exc_tb)


def subscribe_batches(  # noqa: PLR0913 - a JetStream pull subscription's whole declaration
    broker: NatsBroker,
    handler: BatchHandler,
    *,
    stream: str,
    subject: str,
    consumer: api.ConsumerConfig,
    batch_size: int,
    linger: float,
    events: tuple[type[Event], ...],
    description: str,
) -> None:
    """Subscribe `handler` to batches from the durable `consumer` on `stream`, acked by hand.

    A pull subscription in batches of up to `batch_size`, each handed over once full or
    `linger` seconds after the pull began; nothing is acked for the handler (it acks after its
    commit). `consumer` is the configuration the caller created it with, so that even a
    consumer recreated by FastStream (after it vanished) starts where the caller said.
    """

    async def deliveries(batch: Deliveries) -> None:
        await handler(batch)

    # Resolved here, not from this module's (postponed) annotations: the schema is per stream.
    deliveries.__annotations__["batch"] = GenericAlias(list, (_documented(stream, events),))
    deliveries.__name__ = f"{consumer.durable_name}_batches"
    subscriber = broker.subscriber(
        subject,
        stream=JStream(stream, declare=False),  # streams are provisioned from `contracts`
        durable=consumer.durable_name,
        config=consumer,
        pull_sub=PullSub(batch_size, timeout=linger, batch=True),
        ack_policy=AckPolicy.MANUAL,
        decoder=_as_delivered,
        no_reply=True,
        title=consumer.durable_name,
        description=description,
    )
    subscriber(deliveries)


def subscribe_notices(  # noqa: PLR0913 - a core subscription's whole declaration
    broker: NatsBroker,
    notice: Callable[[], Awaitable[None]],
    *,
    stream: str,
    subject: str,
    events: tuple[type[Event], ...],
    title: str,
    description: str,
) -> None:
    """Call `notice` for every message stored on `stream` under `subject`, as it is stored.

    A core subscription (no consumer, nothing to ack): a notice that something changed, for a
    follower that then reads the stream its own way; a notice lost in an outage only delays it
    until its next poll.
    """

    async def noticed(message: Msg) -> None:
        del message  # only its arrival matters
        await notice()

    noticed.__annotations__["message"] = _documented(stream, events)
    noticed.__name__ = title
    # No reply: a stored message's reply subject is its publisher's, waiting for the PubAck.
    subscriber = broker.subscriber(
        subject, decoder=_as_delivered, no_reply=True, title=title, description=description
    )
    subscriber(noticed)


def _documented(stream: str, events: tuple[type[Event], ...]) -> object:
    """What the AsyncAPI document shows for a delivery on `stream`: its body's schema (the
    handler gets the delivery as it came; FastStream does not cast it)."""
    return Annotated[object, WithJsonSchema(stream_message_schema(stream, events))]


async def _as_delivered(message: StreamMessage[Any]) -> Any:  # noqa: ANN401 - Msg or list[Msg]
    """The delivery itself: consumers read sequence numbers and headers, not only bodies."""
    return message.raw_message
