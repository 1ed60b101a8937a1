"""Publishing one batch: records in index order, then the homework files, then the manifest."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Coroutine
from dataclasses import dataclass, field
from typing import Any

import structlog

from contracts import envelope as hdr
from contracts import subjects
from contracts.base import Event
from contracts.diary import (
    BatchChecksum,
    BatchKind,
    BatchManifest,
    LessonRecord,
    canonical_json,
    presorted_json,
)
from contracts.envelope import Actor, Envelope
from contracts.journal import Attachment
from kernel.redaction import Redact
from services.exporter.application.ports import Deps
from services.exporter.application.window import Window
from services.exporter.domain import batches
from services.exporter.domain.docs import Doc
from services.exporter.domain.records import PRESORTED, to_record
from services.exporter.domain.redaction import redact_doc

EXPORTER = Actor(id="exporter", role="system")


logger = structlog.get_logger()


@dataclass(frozen=True, slots=True)
class BatchInfo:
    """Where a batch goes and what it covers."""

    batch_id: str
    kind: BatchKind
    school: str
    year: int
    from_seq: int
    to_seq: int
    cut_at: dt.datetime
    correlation_id: str


@dataclass(frozen=True, slots=True)
class Published:
    """What a batch held: its records, their checksum, the files copied for it, the files
    its lessons name that the school's bucket lacks (published without their bytes), and the
    pupils' names replaced in its free texts."""

    records: int
    checksum: str | None
    files_copied: int
    files_missing: int = 0
    names_redacted: int = 0


_MEMO_LIMIT = 50_000
"""Texts a batch's redactor remembers (then it starts again): a year repeats its topics,
homework and comments across classes and weeks, and the name guard's cost is per word."""


@dataclass(slots=True)
class _Redacting:
    """The batch's redactor of free texts (None: texts go as they are) and its count; each
    distinct text is redacted once (the guard is a function of the text, for a batch)."""

    redact: Redact | None
    replaced: int = 0
    memo: dict[str, tuple[str, int]] = field(default_factory=dict)

    def doc(self, doc: Doc) -> Doc:
        if self.redact is None:
            return doc
        redacted, replaced = redact_doc(doc, self._remembered)
        self.replaced += replaced
        return redacted

    def _remembered(self, text: str) -> tuple[str, int]:
        known = self.memo.get(text)
        if known is None:
            if len(self.memo) >= _MEMO_LIMIT:
                self.memo.clear()
            assert self.redact is not None  # noqa: S101 - only called when there is one
            known = self.memo[text] = self.redact(text)
        return known


def envelope_body(
    info: BatchInfo, event_id: uuid.UUID, event: Event | type[Event], data: dict[str, Any]
) -> bytes:
    """The message body: the envelope around `data` (the event's JSON form)."""
    return (
        Envelope(
            event_id=event_id,
            event_type=event.event_type,
            schema_version=event.schema_version,
            occurred_at=info.cut_at,
            actor=EXPORTER,
            school=info.school,
            year=info.year,
            correlation_id=info.correlation_id,
            causation_id=info.batch_id,
            data=data,
        )
        .model_dump_json()
        .encode()
    )


_PLACEHOLDER = str(uuid.uuid4()).encode()  # never a batch's, run's or record's id
_EMPTY_DATA = b'"data":{}}'


class _Bodies:
    """The bodies of a batch's records: per record type, the envelope `envelope_body` writes
    (everything but the event id is the batch's) is written once, and each record's event id
    and JSON form are put in its place."""

    def __init__(self, info: BatchInfo) -> None:
        self._info = info
        self._parts: dict[type[Event], tuple[bytes, bytes]] = {}

    def body(self, event_id: uuid.UUID, record: type[Event], data: bytes) -> bytes:
        """The envelope of a record of type `record` with id `event_id` around `data` (its
        JSON form)."""
        parts = self._parts.get(record)
        if parts is None:
            parts = self._parts[record] = self._split(record)
        head, middle = parts
        return b"".join((head, str(event_id).encode(), middle, data, b"}"))

    def _split(self, record: type[Event]) -> tuple[bytes, bytes]:
        template = envelope_body(self._info, uuid.UUID(_PLACEHOLDER.decode()), record, {})
        head, found, rest = template.partition(_PLACEHOLDER)
        if not found or _PLACEHOLDER in rest or not rest.endswith(_EMPTY_DATA):
            msg = "unexpected envelope form"
            raise AssertionError(msg)
        return head, rest[: -len(_EMPTY_DATA)] + b'"data":'


def record_json(batch: str, index: int, seq: int, content: bytes) -> bytes:
    """A record's JSON form: its transport fields, then `content` (a JSON object)."""
    transport = f'{{"batch_id":"{batch}","index":{index},"seq":{seq}'.encode()
    return transport + (b"," + content[1:] if len(content) > 2 else b"}")


def headers_for(event: Event, msg_id: str, correlation_id: str) -> dict[str, str]:
    """The NATS headers of an exported message."""
    return {
        hdr.HEADER_EVENT_TYPE: event.event_type,
        hdr.HEADER_SCHEMA_VERSION: str(event.schema_version),
        hdr.HEADER_MSG_ID: msg_id,
        hdr.HEADER_CORRELATION_ID: correlation_id,
    }


async def publish_batch(
    deps: Deps, info: BatchInfo, docs: AsyncIterator[Doc], redact: Redact | None = None
) -> Published:
    """Publish the documents as records 0..n-1, copy their files, then publish the manifest.

    Every free text of a document goes through `redact` first (the school's name guard:
    `services.exporter.domain.redaction`). Nothing at all is published when there are no
    documents (the run is 'empty').
    """
    checksum = BatchChecksum()
    files: dict[str, Attachment] = {}
    window = Window(deps.publish_window)
    redacting = _Redacting(redact)
    bodies = _Bodies(info)
    try:
        async for doc in docs:
            record = redacting.doc(doc)
            await window.submit(_publish_record(deps, info, record, checksum, files, bodies))
        await window.drain()
    except BaseException:
        await window.cancel()
        raise
    if checksum.count == 0:
        return Published(0, None, 0)
    if redacting.replaced:
        logger.info("export.names_redacted", batch_id=info.batch_id, count=redacting.replaced)
    copies = Counter([await deps.files.copy(attachment) for attachment in files.values()])
    if copies["missing"]:
        # One lost file must not hold back every later export of the school: the lesson goes
        # out, the diary answers 404 for that file, and the run reports the count.
        logger.warning("export.files_missing", batch_id=info.batch_id, count=copies["missing"])
    manifest = BatchManifest(
        batch_id=info.batch_id,
        kind=info.kind,
        from_seq=info.from_seq,
        to_seq=info.to_seq,
        records=checksum.count,
        checksum=checksum.hexdigest(),
        cut_at=info.cut_at,
    )
    body = envelope_body(
        info, batches.manifest_event_id(info.batch_id), manifest, manifest.model_dump(mode="json")
    )
    await deps.publisher.publish(
        subjects.diary_manifest(info.year, info.school, info.batch_id),
        body,
        headers_for(manifest, batches.manifest_msg_id(info.batch_id), info.correlation_id),
    )
    return Published(
        checksum.count,
        manifest.checksum,
        copies["copied"],
        copies["missing"],
        redacting.replaced,
    )


def _publish_record(
    deps: Deps,
    info: BatchInfo,
    doc: Doc,
    checksum: BatchChecksum,
    files: dict[str, Attachment],
    bodies: _Bodies,
) -> Coroutine[Any, Any, None]:
    """Account for the next record (in index order, now) and answer its publish coroutine.

    The record is validated as its contract model (`to_record`); its content is serialised
    once, canonically (`contracts.diary.canonical_json`: what the digest is of, and the diary
    checks), and the message carries that same JSON after the transport fields. A lesson's
    content is built key-sorted (`PRESORTED`) and so serialised as it is.
    """
    index = checksum.count
    record = to_record(doc, info.batch_id, index)
    if doc.kind in PRESORTED:
        content = presorted_json(doc.content)
    else:
        content = canonical_json(record.content())
    checksum.add(index, doc.kind, doc.record_id, doc.seq, hashlib.sha256(content).hexdigest())
    if isinstance(record, LessonRecord):
        for attachment in record.files:
            files.setdefault(attachment.attachment_id, attachment)
    event_id = batches.record_event_id(info.batch_id, index)
    data = record_json(info.batch_id, index, doc.seq, content)
    return deps.publisher.publish(
        subjects.diary_record(info.year, info.school, doc.kind, doc.record_id),
        bodies.body(event_id, type(record), data),
        headers_for(record, batches.record_msg_id(info.batch_id, index), info.correlation_id),
    )
