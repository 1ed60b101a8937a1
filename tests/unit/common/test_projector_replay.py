"""The rebuild's replay loop, with a fake feed and writer: what happens to a write in flight."""

from __future__ import annotations

import asyncio

import pytest
from nats.aio.msg import Msg

from contracts.journal import LessonHeld
from contracts.registry import JOURNAL_REGISTRY
from services.common.eventstore import Version, encode, headers_for
from services.common.projector_batch import Written
from services.common.projector_replay import Replay
from tests.support.stored_events import envelope_of


class Broken(Exception):
    pass


def message(seq: int, pending: int) -> Msg:
    envelope = envelope_of(LessonHeld())
    headers = headers_for(envelope, expected=Version(), msg_id=f"m{seq}")
    reply = f"$JS.ACK.JOURNAL.replay.1.{seq}.{seq}.1795918110657766920.{pending}"
    return Msg(
        _client=None,
        subject="jrn.2026.s1.5a.lesson.l1",
        reply=reply,
        data=encode(envelope),
        headers=headers,
    )


class Feed:
    """Serves the given batches, then `after` (waits forever by default)."""

    def __init__(self, batches, after=None):
        self.batches = list(batches)
        self.after = after
        self.closed = False

    async def take(self, limit, timeout):  # noqa: ASYNC109 - the feed's signature
        if self.batches:
            return self.batches.pop(0)
        await asyncio.sleep(0)  # the write of the last batch starts meanwhile
        if self.after is not None:
            raise self.after
        await asyncio.Event().wait()
        return []

    async def close(self):
        self.closed = True


class Source:
    batch_size = 10
    fetch_timeout = 1.0

    def __init__(self, feed):
        self.feed = feed
        self.deleted = []

    async def open_replay(self, start_seq):
        return self.feed, "replay", 100

    async def delete_quietly(self, consumer):
        self.deleted.append(consumer)


class Writer:
    """A writer whose first write never ends unless cancelled."""

    committed = 0

    def __init__(self):
        self.writing = asyncio.Event()
        self.cancelled = False

    async def write(self, conn, batch):
        self.writing.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        return Written()


def replay(feed):
    source = Source(feed)
    return source, Replay(source, JOURNAL_REGISTRY, lambda *args: None)


async def test_cancelling_while_the_next_batch_is_read_cancels_the_write_in_flight():
    feed = Feed([[message(1, 99)]])
    source, rebuild = replay(feed)
    writer = Writer()
    task = asyncio.create_task(rebuild.run(None, writer, 100))
    await writer.writing.wait()
    await asyncio.sleep(0)  # the replay now waits for the next batch, the write in flight

    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    assert writer.cancelled
    assert feed.closed
    assert source.deleted == ["replay"]


async def test_a_feed_failing_while_a_write_is_in_flight_raises_its_own_error():
    feed = Feed([[message(1, 99)]], after=Broken())
    _, rebuild = replay(feed)
    writer = Writer()

    with pytest.raises(Broken):
        await rebuild.run(None, writer, 100)

    assert writer.writing.is_set()
    assert writer.cancelled
