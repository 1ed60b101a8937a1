"""Test helpers of the tamper evidence: valid chained histories, and ways to tamper with them."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import replace

from contracts import envelope as hdr
from contracts.audit import DailyAnchor
from contracts.chain import GENESIS_HASH, event_hash
from services.audit.application.verification import Integrity, Progress
from services.audit.domain.anchors import Signer
from services.audit.domain.chain import Message

START = dt.datetime(2026, 9, 1, 6, 0, tzinfo=dt.UTC)  # 09:00 in Moscow
SEED = bytes(range(32))


def signer() -> Signer:
    """A fixed test key."""
    return Signer(SEED, "test-key")


def history(
    count: int,
    *,
    subjects: int = 4,
    school: str = "s1",
    days: int = 3,
    seed: int = 0,
    start: dt.datetime = START,
) -> list[Message]:
    """A valid journal history: `count` chained events over `subjects` lessons and `days`
    days, in stream order (sequences 1..count, times increasing)."""
    rng = random.Random(seed)
    names = [f"jrn.2026.{school}.9a.lesson.l{i}" for i in range(subjects)]
    last: dict[str, str] = {}
    messages = []
    for seq in range(1, count + 1):
        subject = names[rng.randrange(subjects)]
        body = f'{{"n":{seq},"v":{rng.randrange(10**6)}}}'.encode()
        prev = last.get(subject, GENESIS_HASH)
        headers = {hdr.HEADER_PREV_HASH: prev, hdr.HEADER_EVENT_TYPE: "journal.TopicSet"}
        at = start + dt.timedelta(days=(seq - 1) * days // count, seconds=seq)
        messages.append(Message(seq, subject, headers, body, at))
        last[subject] = event_hash(prev, subject, "journal.TopicSet", body)
    return messages


def altered(messages: Sequence[Message], index: int) -> list[Message]:
    """The history with the body of `messages[index]` changed."""
    out = list(messages)
    out[index] = replace(out[index], body=out[index].body + b" ")
    return out


def removed(messages: Sequence[Message], index: int) -> list[Message]:
    """The history without `messages[index]` (its sequence left out, as JetStream would)."""
    return [m for i, m in enumerate(messages) if i != index]


def swapped(messages: Sequence[Message], index: int) -> list[Message]:
    """The history with `messages[index]` and the next one exchanged (each takes the other's
    sequence, and keeps its own server time, as a copy written in the wrong order would)."""
    out = list(messages)
    first, second = out[index], out[index + 1]
    out[index] = replace(second, seq=first.seq)
    out[index + 1] = replace(first, seq=second.seq)
    return out


def rechained(messages: Sequence[Message]) -> list[Message]:
    """The history with every Prev-Hash recomputed: what a careful forger would write."""
    last: dict[str, str] = {}
    out = []
    for message in messages:
        prev = last.get(message.subject, GENESIS_HASH)
        event_type = message.headers.get(hdr.HEADER_EVENT_TYPE, "")
        out.append(replace(message, headers={**message.headers, hdr.HEADER_PREV_HASH: prev}))
        last[message.subject] = event_hash(prev, message.subject, event_type, message.body)
    return out


class InMemorySource:
    """`StreamSource` over lists of messages per stream."""

    def __init__(self, streams: dict[str, list[Message]] | None = None) -> None:
        self.streams = streams or {}

    async def last_seq(self, stream: str) -> int:
        """The last sequence of the stream's list (0 when empty)."""
        messages = self.streams.get(stream, [])
        return messages[-1].seq if messages else 0

    async def read(
        self,
        stream: str,
        handle: Callable[[Message], None],
        *,
        subject: str | None = None,
        strip_prefix: str = "",
        progress: Progress | None = None,
    ) -> int:
        """Hand every message on (the subject filter is a prefix before `>` here)."""
        for message in self.streams.get(stream, []):
            if subject is None or message.subject.startswith(subject.rstrip(">")):
                handle(replace(message, subject=message.subject.removeprefix(strip_prefix)))
        last = await self.last_seq(stream)
        if progress is not None:
            progress(last, last)
        return last


class InMemoryAnchors:
    """`AnchorStore` over a list; each anchor subject written once."""

    def __init__(self) -> None:
        self.written: list[DailyAnchor] = []
        self.subjects: list[str] = []
        self.prepared = False

    async def prepare(self) -> None:
        """Nothing to create."""
        self.prepared = True

    async def anchors(self, school: str | None = None) -> list[DailyAnchor]:
        """The anchors written (of the school)."""
        return [a for a in self.written if school in (None, a.school)]

    async def publish(self, anchor: DailyAnchor, subject: str) -> bool:
        """Append unless an anchor was written on `subject` already."""
        if subject in self.subjects:
            return False
        self.subjects.append(subject)
        self.written.append(anchor)
        return True


def in_memory_integrity(streams: dict[str, list[Message]]) -> Integrity:
    """Integrity over in-memory streams and anchors, signing with the test key."""
    key = signer()
    return Integrity(InMemorySource(streams), InMemoryAnchors(), key, {key.key_id: key.public_key})
