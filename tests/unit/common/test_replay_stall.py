"""A replay with a target waits out silent fetches and fails only past its stall limit."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest

from services.common.projector_replay import Replay, ReplayStalledError, StallWatch


class SilentFeed:
    """A feed whose server is still skipping: `silent` empty fetches, then one message."""

    def __init__(self, silent: int) -> None:
        self.silent = silent
        self.takes = 0

    async def take(self, limit: int, timeout: float) -> list[object]:  # noqa: ASYNC109
        self.takes += 1
        await asyncio.sleep(0)
        return [] if self.takes <= self.silent else ["msg"]


def replay(limit: float) -> Replay:
    source = SimpleNamespace(stream="JOURNAL", batch_size=10, fetch_timeout=0.001)
    return Replay(source, registry=None, on_batch=lambda *_: None, stall_limit=limit)  # type: ignore[arg-type]


async def test_silent_fetches_are_waited_out():
    feed = SilentFeed(silent=50)

    msgs = await replay(limit=60.0)._take(feed, until=100)  # type: ignore[arg-type]

    assert (msgs, feed.takes) == (["msg"], 51)


async def test_a_silence_past_the_limit_fails_instead_of_ending_the_replay():
    feed = SilentFeed(silent=10**9)

    with pytest.raises(ReplayStalledError, match="before seq 100"):
        await replay(limit=0.05)._take(feed, until=100)  # type: ignore[arg-type]


async def test_a_delivery_starts_the_watch_again():
    watch = StallWatch("JOURNAL", 100, limit=0.05)
    await asyncio.sleep(0.06)
    watch.delivered()

    watch.silent()  # no raise: the silence began at the delivery

    await asyncio.sleep(0.06)
    with pytest.raises(ReplayStalledError):
        watch.silent()
