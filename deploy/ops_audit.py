"""`ops audit verify`: walk a stream and recompute every subject's Prev-Hash chain.

Each event's `Prev-Hash` header must equal the hash of the previous event on its subject
(`contracts.chain.event_hash(prev_hash, subject, event_type, body)`; the first event names
`GENESIS_HASH`). The walk reads the stream in order with an ordered consumer (ephemeral, no
state on the server) and keeps the last hash of every subject in memory: fine for the JOURNAL
stream of a school today (64 hex characters per aggregate), to be revisited (e.g. a disk-backed
map, or one subject at a time) when a stream holds many millions of subjects.

A broken link is reported once, where it occurs: an event's own hash is computed from the
Prev-Hash it records, so the events after a tampered one are checked against it, as the event
store itself does when it loads an aggregate (`eventstore.decode_stored`).
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass, field

import nats
from nats.js.api import DeliverPolicy
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from contracts import envelope as hdr
from contracts.chain import GENESIS_HASH, event_hash

MISSING = "(missing)"
NEXT_MESSAGE_TIMEOUT = 10.0


@dataclass(frozen=True)
class BrokenLink:
    """An event whose Prev-Hash is not the hash of the previous event on its subject."""

    subject: str
    seq: int
    expected: str
    found: str


@dataclass
class ChainCheck:
    """The chain state of a walk: the last hash per subject and what did not link."""

    last: dict[str, str] = field(default_factory=dict)
    broken: list[BrokenLink] = field(default_factory=list)
    checked: int = 0

    def add(self, subject: str, seq: int, headers: dict[str, str], body: bytes) -> None:
        """Check one event against its subject's chain and move the chain on."""
        expected = self.last.get(subject, GENESIS_HASH)
        found = headers.get(hdr.HEADER_PREV_HASH)
        if found != expected:
            self.broken.append(BrokenLink(subject, seq, expected, found or MISSING))
        event_type = headers.get(hdr.HEADER_EVENT_TYPE, "")
        self.last[subject] = event_hash(found or GENESIS_HASH, subject, event_type, body)
        self.checked += 1


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=not console.is_terminal,
    )


async def _matching(js: nats.js.JetStreamContext, stream: str, subject: str | None) -> int:
    """How many messages of the stream the walk will see."""
    if subject is None:
        return (await js.stream_info(stream)).state.messages
    info = await js.stream_info(stream, subjects_filter=subject)
    return sum((info.state.subjects or {}).values())


async def walk(url: str, stream: str, subject: str | None, console: Console) -> ChainCheck:
    """Read the stream (or the subjects matching `subject`) from sequence 1 up to its last
    sequence as of now, checking every chain; a progress bar follows the sequence."""
    check = ChainCheck()
    nc = await nats.connect(url, name="ops-audit", connect_timeout=5)
    try:
        js = nc.jetstream()
        info = await js.stream_info(stream)
        last_seq = info.state.last_seq
        filter_subject = subject or _stream_filter(info.config.subjects)
        if await _matching(js, stream, subject) == 0:
            return check
        sub = await js.subscribe(
            filter_subject, stream=stream, ordered_consumer=True, deliver_policy=DeliverPolicy.ALL
        )
        try:
            with _progress(console) as bar:
                task = bar.add_task(f"{stream} {filter_subject}", total=last_seq)
                while True:
                    msg = await sub.next_msg(timeout=NEXT_MESSAGE_TIMEOUT)
                    seq = msg.metadata.sequence.stream
                    check.add(msg.subject, seq, dict(msg.headers or {}), msg.data)
                    bar.update(task, completed=min(seq, last_seq))
                    if seq >= last_seq or msg.metadata.num_pending == 0:
                        bar.update(task, completed=last_seq)
                        break
        finally:
            await sub.unsubscribe()
    finally:
        await nc.close()
    return check


def _stream_filter(subjects: list[str] | None) -> str:
    """The subject filter covering the whole stream (its single subject pattern)."""
    if subjects and len(subjects) == 1:
        return subjects[0]
    raise SystemExit("the stream has several subject patterns: choose one with --subject")


def report(check: ChainCheck, stream: str, console: Console) -> int:
    """Print the broken links as a table (or that every chain holds); 1 when any is broken."""
    subjects = len(check.last)
    if not check.broken:
        console.print(f"{stream}: {check.checked} events on {subjects} subjects, every chain links")
        return 0
    table = Table(title=f"{stream}: {len(check.broken)} broken link(s)")
    for column in ("subject", "seq", "expected prev", "found"):
        table.add_column(column, overflow="fold")
    for link in check.broken:
        table.add_row(link.subject, str(link.seq), link.expected, link.found)
    console.print(table)
    console.print(f"{check.checked} events on {subjects} subjects checked")
    return 1


def verify(url: str, stream: str, subject: str | None) -> int:
    """`audit verify`: walk, report, 0 when every chain links, else 1."""
    console = Console(file=sys.stdout)
    check = asyncio.run(walk(url, stream, subject, Console(stderr=True)))
    return report(check, stream, console)
