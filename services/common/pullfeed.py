"""A continuous pull on one JetStream consumer, read in batches without per-message awaits.

nats-py's `PullSubscription.fetch` awaits `next_msg` (a task plus a timer) for every message,
which caps a replay at about a third of what the client can parse. This feed instead subscribes
a callback to its own inbox that only appends to a buffer, and keeps one pull request of `batch`
messages outstanding: the next request leaves as soon as the previous one is served, so the
server delivers the next batch while the caller is still writing the last one to PostgreSQL.

Only the public client API is used: a core subscription and a publish to the JetStream API
subject `$JS.API.CONSUMER.MSG.NEXT.<stream>.<consumer>`, which is what every client sends.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
from collections import deque
from typing import TYPE_CHECKING

import nats.errors

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nats.aio.client import Client
    from nats.aio.msg import Msg
    from nats.aio.subscription import Subscription

_STATUS = "Status"
_DESCRIPTION = "Description"
_HEARTBEAT = "100"
_REQUEST_OVER = ("404", "408")  # no messages (yet), request expired: ask again at once
_CONSUMER_GONE = ("Consumer Deleted", "Consumer is push based")
_GRACE = 1.0  # seconds past `expires` after which a request that never ended is given up


class ConsumerGoneError(Exception):
    """The consumer behind the feed was deleted or replaced; the caller must recreate it."""


class DeliveryLostError(Exception):
    """Deliveries of a consumer did not reach the reader: applying what came after would skip
    them (and an AckAll would ack them). Seen as a consumer sequence skipped. The caller starts
    again from its checkpoint + 1 on a new consumer.

    How they get lost: a pull request's messages in flight when the client's connection to
    its node breaks (on a cluster, a node that dies or a consumer leader that moves: the server
    counts them as delivered, and an unacknowledged consumer never sends them again); and
    FastStream 0.7's batch pull, which drops the messages it has collected when nats-py's fetch
    raises the built-in TimeoutError (see `services.common.projector_live`).
    """


def follows(delivered: int, deliveries: Sequence[Msg], consumer: str) -> int:
    """The consumer sequence after `deliveries`, which must follow `delivered` (the last one
    the reader had) with none skipped; redeliveries keep their number and may come again.
    Raises `DeliveryLostError` otherwise."""
    # Every number is read (about 0.5 µs a message): a batch that only counts right at its
    # ends may still hide a redelivery beside a lost delivery.
    for msg in deliveries:
        number = delivery_seq(msg.reply)
        if number > delivered + 1:
            lost = f"deliveries {delivered + 1}..{number - 1} of {consumer}"
            raise DeliveryLostError(lost)
        delivered = max(delivered, number)
    return delivered


# Token positions in a JetStream ack subject, counted from the front:
# v1: $JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<dseq>.<ts>.<pending>
# v2: $JS.ACK.<domain>.<account>.<stream>.<consumer>.<delivered>.<sseq>.<dseq>.<ts>.<pending>...
_V1_TOKENS = 9


def position(reply: str) -> tuple[int, dt.datetime, int]:
    """(stream sequence, server timestamp, messages still pending) of a delivered message.

    A plain tuple, because this runs for every message of a replay.
    """
    tokens = reply.split(".")
    base = 2 if len(tokens) == _V1_TOKENS else 4
    stamp = _from_timestamp(int(tokens[base + 5]) / 1e9, _UTC)
    return int(tokens[base + 3]), stamp, int(tokens[base + 6])


def delivery_seq(reply: str) -> int:
    """The consumer's sequence of a delivered message: 1, 2, 3, ... for one consumer's first
    deliveries (a redelivery keeps its number), so a number skipped is a delivery lost."""
    tokens = reply.split(".")
    base = 2 if len(tokens) == _V1_TOKENS else 4
    return int(tokens[base + 4])


_from_timestamp = dt.datetime.fromtimestamp
_UTC = dt.UTC


class PullFeed:
    """Buffered deliveries of one pull consumer; `take` returns what has arrived, in order."""

    def __init__(
        self,
        nc: Client,
        stream: str,
        consumer: str,
        *,
        batch: int,
        expires: float,
        api_prefix: str = "$JS.API",
    ) -> None:
        self._nc = nc
        self._next_subject = f"{api_prefix}.CONSUMER.MSG.NEXT.{stream}.{consumer}"
        self._consumer = consumer
        self._delivered = 0  # the consumer sequence of the last message taken
        self._batch = batch
        self._expires = expires
        self._buffer: deque[Msg] = deque()
        self._arrived = asyncio.Event()
        self._owed = 0  # messages the outstanding request may still bring
        self._deadline = 0.0
        self._quiet_until = 0.0  # after an unexpected status, do not ask again before this
        self._gone: str | None = None
        self._sub: Subscription | None = None
        self._inbox = ""

    async def start(self) -> None:
        """Subscribe the inbox and send the first request."""
        self._inbox = self._nc.new_inbox()
        self._sub = await self._nc.subscribe(self._inbox, cb=self._on_message)
        await self._request()

    async def close(self) -> None:
        """Stop receiving; undelivered requests expire on the server."""
        if self._sub is not None:
            sub, self._sub = self._sub, None
            with contextlib.suppress(nats.errors.Error):  # already closed with the connection
                await sub.unsubscribe()

    async def take(self, limit: int, timeout: float) -> list[Msg]:  # noqa: ASYNC109
        """Up to `limit` buffered messages; waits up to `timeout` for the first one to arrive.
        Raises `DeliveryLostError` when messages the consumer delivered never arrived."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not self._buffer:
            self._raise_if_gone()
            now = loop.time()
            if (self._owed == 0 and now >= self._quiet_until) or now > self._deadline:
                await self._request()
            self._arrived.clear()
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            try:
                # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation
                # that arrives together with the message.
                async with asyncio.timeout(remaining):
                    await self._arrived.wait()
            except TimeoutError:
                return []
        if limit >= len(self._buffer):
            taken = list(self._buffer)
            self._buffer.clear()
        else:
            taken = [self._buffer.popleft() for _ in range(limit)]
        self._delivered = follows(self._delivered, taken, self._consumer)
        await self._refill()
        return taken

    async def _on_message(self, msg: Msg) -> None:
        if msg.reply:
            self._buffer.append(msg)
            self._owed -= 1
        else:
            headers = msg.headers or {}
            status = headers.get(_STATUS)
            if status == _HEARTBEAT:
                return
            self._owed = 0  # any other status ends the request
            if status not in _REQUEST_OVER:
                # 409 and friends: back off for one request period instead of spinning.
                self._quiet_until = asyncio.get_running_loop().time() + self._expires
                if headers.get(_DESCRIPTION, "") in _CONSUMER_GONE:
                    self._gone = headers.get(_DESCRIPTION, "")
        if self._owed <= 0:
            self._owed = 0
            await self._refill()
        self._arrived.set()

    async def _refill(self) -> None:
        # Keep the pipe full, but never buffer more than two batches ahead of the reader.
        if (
            self._owed == 0
            and len(self._buffer) < 2 * self._batch
            and self._gone is None
            and asyncio.get_running_loop().time() >= self._quiet_until
        ):
            await self._request()

    async def _request(self) -> None:
        if self._sub is None:
            return
        body = {"batch": self._batch, "expires": int(self._expires * 1e9)}
        self._owed = self._batch
        self._deadline = asyncio.get_running_loop().time() + self._expires + _GRACE
        await self._nc.publish(self._next_subject, json.dumps(body).encode(), reply=self._inbox)

    def _raise_if_gone(self) -> None:
        if self._gone is not None:
            raise ConsumerGoneError(self._gone)
