"""Names of batches and of their messages: deterministic, so a re-run republishes the same ids."""

from __future__ import annotations

import functools
import hashlib
import uuid

from contracts.diary import BatchKind


def batch_id(
    kind: BatchKind, school: str, year: int, from_seq: int, to_seq: int, forced_by: str = ""
) -> str:
    """`b` + 24 hex digits of SHA-256 over the batch's kind, school, year and range.

    A forced run (`forced_by` = its run id) gets a batch of its own even for a range exported
    before: the way to send again what the diary rejected.
    """
    key = f"{kind}|{school}|{year}|{from_seq}|{to_seq}"
    if forced_by:
        key += f"|forced:{forced_by}"
    return "b" + hashlib.sha256(key.encode()).hexdigest()[:24]


@functools.lru_cache(maxsize=64)
def _namespace(batch: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"urn:exporter:batch:{batch}")


def record_event_id(batch: str, index: int) -> uuid.UUID:
    """The envelope id of the batch's `index`-th record."""
    return uuid.uuid5(_namespace(batch), str(index))


def manifest_event_id(batch: str) -> uuid.UUID:
    """The envelope id of the batch's manifest."""
    return uuid.uuid5(_namespace(batch), "manifest")


def record_msg_id(batch: str, index: int) -> str:
    """`Nats-Msg-Id` of the batch's `index`-th record (JetStream drops a republished one)."""
    return f"{batch}-{index}"


def manifest_msg_id(batch: str) -> str:
    """`Nats-Msg-Id` of the batch's manifest."""
    return f"{batch}-manifest"
