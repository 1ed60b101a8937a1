"""Batches: a run of records followed by its manifest, which says how many records the batch
has and their checksum; the diary applies a batch only when it holds exactly those records.
Both sides compute the checksum the same way, here."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints
from pydantic_core import to_json

from contracts.base import Event, Token
from contracts.diary.records import Record

Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
BatchKind = Literal["delta", "full"]


class BatchManifest(Event):
    """The end of a batch: the diary applies the batch once it holds exactly these records.

    The school and year are the envelope's. `from_seq` (exclusive) and `to_seq` (inclusive) are
    the journal sequences the batch covers; a full batch covers everything up to `to_seq`.
    """

    event_type = "diary.BatchManifest"
    batch_id: Token
    kind: BatchKind
    from_seq: int = Field(ge=0)
    to_seq: int = Field(ge=0)
    records: int = Field(ge=0)
    checksum: Sha256
    cut_at: dt.datetime = Field(description="when the exporter cut the journal")


def canonical_json(value: object) -> bytes:
    """The one byte form both sides hash: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def presorted_json(value: object) -> bytes:
    """`canonical_json` of a value whose every mapping has its keys in sorted order already (as
    a producer can build them), serialised as it is: the same bytes, without sorting, several
    times faster. Only JSON values (text, integers, flags, null, lists, mappings with text
    keys): the one text escaping both encoders share (quote, backslash and the C0 controls,
    short forms for \\b \\f \\n \\r \\t, `\\u00xx` in lower case for the others; everything
    else as UTF-8)."""
    return to_json(value)


def content_digest(content: Mapping[str, Any]) -> str:
    """SHA-256 of a record's content (its JSON form without `TRANSPORT_FIELDS`)."""
    return hashlib.sha256(canonical_json(content)).hexdigest()


def record_digest(record: Record) -> str:
    """SHA-256 of what a record says (the same state in any batch has the same digest)."""
    return content_digest(record.content())


def checksum_line(index: int, kind: str, record_id: str, seq: int, digest: str) -> bytes:
    """One record's contribution to its batch's checksum."""
    return f"{index}:{kind}:{record_id}:{seq}:{digest}\n".encode()


class BatchChecksum:
    """The running checksum of a batch: fed each record in index order."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.count = 0

    def add(self, index: int, kind: str, record_id: str, seq: int, digest: str) -> None:
        """Account for the `index`-th record (indexes must come in order, from 0)."""
        if index != self.count:
            msg = f"record {index} out of order (expected {self.count})"
            raise ValueError(msg)
        self._hash.update(checksum_line(index, kind, record_id, seq, digest))
        self.count += 1

    def add_record(self, record: Record) -> None:
        """Account for a whole record."""
        self.add(
            record.index, record.record_kind, record.record_id, record.seq, record_digest(record)
        )

    def hexdigest(self) -> str:
        """The checksum so far."""
        return self._hash.hexdigest()


def batch_checksum(records: Iterable[Record]) -> str:
    """The checksum of a whole batch, records in index order."""
    running = BatchChecksum()
    for record in records:
        running.add_record(record)
    return running.hexdigest()
