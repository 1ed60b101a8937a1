"""Stream messages decoded into a projection's batch (events, or dead letters saying why
not), and the garbage collector kept out of the way while batches of decoded events live."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from contracts.base import Event
from contracts.envelope import (
    HEADER_EVENT_TYPE,
    HEADER_MSG_ID,
    HEADER_PREV_HASH,
    HEADER_SCHEMA_VERSION,
    EnvelopeMeta,
)
from contracts.personal import SEALED, Opener, may_be_sealed
from contracts.registry import Registry
from services.common.eventstore import read_envelope
from services.common.projector_batch import Batch, DeadLetter, Delivered, Item, Projected, seq_of
from services.common.pullfeed import position
from services.common.text_repair import repair_body

if TYPE_CHECKING:
    import datetime as dt

    from nats.aio.msg import Msg

_REASON_LIMIT = 2000


def _text(raw: str) -> str:
    # PostgreSQL text (and jsonb) cannot hold NUL; keep it visible instead.
    return raw.replace("\x00", "\\x00")


def dead_letter(msg: Msg, seq: int, reason: str, event_type: str | None = None) -> DeadLetter:
    """A dead letter for a raw message, with its body and headers as readable text."""
    headers = {k: _text(v) for k, v in (msg.headers or {}).items()}
    try:
        recorded_at: dt.datetime | None = position(msg.reply)[1]
    except (IndexError, ValueError):  # not a JetStream delivery (e.g. a hand-made message)
        recorded_at = None
    return DeadLetter(
        seq=seq,
        subject=msg.subject,
        event_type=event_type or headers.get(HEADER_EVENT_TYPE),
        reason=_text(reason[:_REASON_LIMIT]),
        body=_text(msg.data.decode("utf-8", "backslashreplace")),
        headers=json.dumps(headers),
        recorded_at=recorded_at,
    )


def decode(msg: Msg, registry: Registry, opener: Opener | None = None) -> Item:
    """Decode one stream message into an event, or into a dead letter saying why not."""
    seq, recorded_at, _ = position(msg.reply)
    headers = msg.headers or {}
    # Text PostgreSQL cannot store is replaced before validating (and the repair recorded by
    # the writer); what still fails after that is a dead letter with the original body.
    repaired = repair_body(msg.data)
    body = msg.data if repaired is None else repaired.body
    try:
        envelope, event, sealed = _read(msg.subject, body, seq, headers, registry, opener)
    except Exception as error:  # any decode failure is the message's fault
        return dead_letter(msg, seq, f"{type(error).__name__}: {error}")
    msg_id = headers.get(HEADER_MSG_ID, "")
    prev_hash = headers.get(HEADER_PREV_HASH, "")
    fields = () if repaired is None else repaired.fields
    stored = Delivered(msg.subject, seq, envelope, msg_id, recorded_at, prev_hash, fields, sealed)
    return Projected(stored, event)


def _read(
    subject: str,
    body: bytes,
    seq: int,
    headers: dict[str, str],
    registry: Registry,
    opener: Opener | None,
) -> tuple[EnvelopeMeta, Event, Mapping[str, Any] | None]:
    """The envelope, the event model and the sealed object (if any) of a message's body.

    In one pass when the headers name the current version of a known type and the body agrees
    (nearly always); otherwise, and for a body with sealed data (the model has no field for
    it), the envelope first, then its payload opened, upcast and validated.
    """
    if not may_be_sealed(body):
        version = headers.get(HEADER_SCHEMA_VERSION, "")
        claimed = headers.get(HEADER_EVENT_TYPE, "")
        typed = registry.decode_current(body, claimed, int(version) if version.isdecimal() else 0)
        if typed is not None:
            return typed, typed.data, None
    envelope = read_envelope(subject, seq, body)
    data = envelope.data
    event = registry.decode(envelope.event_type, envelope.schema_version, data, opener)
    return envelope, event, data.get(SEALED)


def decode_batch(msgs: Sequence[Msg], registry: Registry, opener: Opener | None = None) -> Batch:
    """Decode messages in order, dropping redelivered copies that break the increasing order."""
    return _in_order([decode(msg, registry, opener) for msg in msgs], msgs)


_INTERLEAVE = 20
"""Messages decoded between two turns of the event loop in `decode_batch_interleaved`."""


async def decode_batch_interleaved(
    msgs: Sequence[Msg], registry: Registry, opener: Opener | None = None
) -> Batch:
    """`decode_batch`, giving the event loop a turn every few dozen messages.

    For a replay that decodes the next batch while the last one is written by another task:
    that task's statements (and the feed) go on meanwhile, instead of waiting for the whole batch.
    """
    items: list[Item] = []
    for start in range(0, len(msgs), _INTERLEAVE):
        if start:
            await asyncio.sleep(0)
        items.extend(decode(msg, registry, opener) for msg in msgs[start : start + _INTERLEAVE])
    return _in_order(items, msgs)


def _in_order(decoded: Sequence[Item], msgs: Sequence[Msg]) -> Batch:
    items: list[Item] = []
    kept: list[Msg] = []
    last = 0
    for item, msg in zip(decoded, msgs, strict=True):
        seq = seq_of(item)
        if seq > last:
            items.append(item)
            kept.append(msg)
            last = seq
    pending = position(kept[-1].reply)[2] if kept else 0
    return Batch(tuple(items), tuple(kept), pending)


_RELAXED_GEN0 = 100_000
_relaxed_depth = 0
_saved_thresholds: tuple[int, ...] = ()


@contextlib.contextmanager
def relaxed_gc() -> Iterator[None]:
    """Collect the youngest generation rarely while batches of decoded events are alive.

    A batch keeps thousands of small tracked objects (envelopes, models, dicts) alive while
    the next ones are allocated. With CPython's default threshold (700) they are promoted and
    rescanned by ever older collections, which measured at more than half of a replay's CPU
    time. Reference counting still frees them as soon as a batch is done; only cycles wait
    longer. Nested and concurrent uses share one setting, restored when the last one ends.
    """
    global _relaxed_depth, _saved_thresholds  # noqa: PLW0603 - one process-wide GC setting
    if _relaxed_depth == 0:
        _saved_thresholds = gc.get_threshold()
        gc.set_threshold(max(_saved_thresholds[0], _RELAXED_GEN0), *_saved_thresholds[1:])
    _relaxed_depth += 1
    try:
        yield
    finally:
        _relaxed_depth -= 1
        if _relaxed_depth == 0:
            gc.set_threshold(*_saved_thresholds)
