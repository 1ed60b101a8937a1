"""Reading whole streams fast, and the AUDIT stream's anchors, on JetStream.

`JetStreamSource.read` walks a stream from sequence 1 with an ordered consumer (ephemeral,
flow-controlled, no state left on the server, restarted by the client at the right sequence
if a message is lost on the way). Each delivery is handled inside the subscription's callback,
with its sequence and server time parsed straight from the reply subject (the client's
`metadata` builds several objects per message): the walk costs about what reading the stream
costs. (The batched direct get of nats-server 2.11+ would be the other fast way; nats-py has
no call for it.)

`JetStreamAnchors` reads the anchors back and writes a new one exactly once: `Nats-Msg-Id` is
the anchor's subject and `Nats-Expected-Last-Subject-Sequence` is 0, so a re-run, a second
process or a retry long after the duplicate window never writes an anchor twice.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import uuid
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import structlog
from nats.js.api import DeliverPolicy
from nats.js.errors import APIError, NotFoundError

from contracts import envelope as hdr
from contracts import subjects
from contracts.audit import DailyAnchor
from contracts.chain import GENESIS_HASH
from contracts.envelope import Actor, Envelope
from contracts.registry import AUDIT_REGISTRY
from contracts.streams import AUDIT
from services.audit.application.verification import Integrity, Progress
from services.audit.domain.anchors import Signer, school_year
from services.audit.domain.chain import Message
from services.common.eventstore_jetstream import WRONG_LAST_SEQUENCE
from services.common.jetstream import ensure_stream
from services.common.pullfeed import position

if TYPE_CHECKING:
    from nats.aio.msg import Msg
    from nats.js import JetStreamContext

logger = structlog.get_logger()

AUDITOR = Actor(id="audit", role="system")
IDLE_TIMEOUT = 600.0
"""Seconds without a delivery before a walk is given up. A walk ends at its target (the last
sequence, or no message left for its filter), never on a short silence: a school's walk may
wait while the server skips a million messages of other schools."""
_WAIT_LOG_EVERY = 10.0  # seconds between the warnings of a long wait
PROGRESS_EVERY = 8192
_ANCHOR_NAMESPACE = uuid.UUID("6d6f7363-6f77-4175-8469-74616e63686f")


class WalkStalled(Exception):
    """The server stopped delivering before the walk reached the stream's last sequence."""


class JetStreamSource:
    """`StreamSource` on JetStream (see the module's docstring)."""

    def __init__(self, js: JetStreamContext, *, idle_timeout: float = IDLE_TIMEOUT) -> None:
        self._js = js
        self._idle = idle_timeout

    async def last_seq(self, stream: str) -> int:
        """The stream's last sequence now (0 when empty or missing)."""
        try:
            return int((await self._js.stream_info(stream)).state.last_seq)
        except NotFoundError:
            return 0

    async def read(
        self,
        stream: str,
        handle: Callable[[Message], None],
        *,
        subject: str | None = None,
        strip_prefix: str = "",
        progress: Progress | None = None,
    ) -> int:
        """Every message (matching `subject`) up to the last sequence as of now, in order."""
        try:
            info = await self._js.stream_info(stream)
        except NotFoundError:
            return 0
        last = int(info.state.last_seq)
        if not info.state.messages or not await self._any(stream, subject):
            return last
        walk = _Walk(handle, last, len(strip_prefix), progress)
        filter_subject = subject or (info.config.subjects or [">"])[0]
        sub = await self._js.subscribe(
            filter_subject,
            stream=stream,
            cb=walk.on_message,
            ordered_consumer=True,
            deliver_policy=DeliverPolicy.ALL,
            pending_msgs_limit=-1,
            pending_bytes_limit=-1,
        )
        try:
            await walk.wait(self._idle)
        finally:
            await sub.unsubscribe()
        return last

    async def _any(self, stream: str, subject: str | None) -> bool:
        """Whether a filtered walk will see anything (a consumer on nothing delivers nothing)."""
        if subject is None:
            return True
        try:
            await self._js.get_msg(stream, seq=1, subject=subject, next=True, direct=True)
        except NotFoundError:
            return False
        return True


class _Walk:
    """The state of one walk: hands each delivery on, tells when the end is reached."""

    def __init__(
        self, handle: Callable[[Message], None], last: int, strip: int, progress: Progress | None
    ) -> None:
        self._handle = handle
        self._last = last
        self._strip = strip
        self._progress = progress
        self._done = asyncio.Event()
        self._seen = 0
        self._error: BaseException | None = None
        self.count = 0

    async def on_message(self, msg: Msg) -> None:
        if self._done.is_set():
            return
        seq, stamp, pending = position(msg.reply)
        self._seen += 1
        try:
            self._handle(
                Message(seq, msg.subject[self._strip :], msg.headers or {}, msg.data, stamp)
            )
        except Exception as error:  # handed to the waiting walk, raised there
            self._error = error
            self._done.set()
            return
        self.count += 1
        if self._progress is not None and (self.count % PROGRESS_EVERY == 0 or pending == 0):
            self._progress(seq, self._last)
        if seq >= self._last or pending == 0:
            self._done.set()

    async def wait(self, idle: float) -> None:
        """Until the end (or an error in the handler); `WalkStalled` after `idle` seconds of
        silence, each `_WAIT_LOG_EVERY` seconds of it logged."""
        loop = asyncio.get_running_loop()
        seen, quiet_since = self._seen, loop.time()
        while not self._done.is_set():
            try:
                async with asyncio.timeout(min(idle, _WAIT_LOG_EVERY)):
                    await self._done.wait()
            except TimeoutError:
                pass
            if self._done.is_set() or self._seen != seen:
                seen, quiet_since = self._seen, loop.time()
                continue
            quiet = loop.time() - quiet_since
            if quiet >= idle:
                msg = f"no message for {idle}s at {self._seen} delivered of up to {self._last}"
                raise WalkStalled(msg)
            logger.warning("audit.walk_waiting", seconds=round(quiet), last=self._last, limit=idle)
        if self._error is not None:
            raise self._error


class JetStreamAnchors:
    """`AnchorStore` on the AUDIT stream."""

    def __init__(self, js: JetStreamContext, *, replicas: int = 1) -> None:
        self._js = js
        self._source = JetStreamSource(js)
        self._replicas = replicas

    async def prepare(self) -> None:
        """Create the AUDIT stream (idempotently, as its writer) with the installation's copies."""
        await ensure_stream(self._js, AUDIT, replicas=self._replicas)

    async def anchors(self, school: str | None = None) -> list[DailyAnchor]:
        """Every anchor (of the school), in the order written."""
        found: list[DailyAnchor] = []

        def keep(message: Message) -> None:
            envelope = Envelope.model_validate_json(message.body)
            version = envelope.schema_version
            anchor = AUDIT_REGISTRY.decode(envelope.event_type, version, envelope.data)
            if isinstance(anchor, DailyAnchor):
                found.append(anchor)

        await self._source.read(AUDIT.name, keep, subject=subjects.audit_filter(school))
        return found

    async def publish(self, anchor: DailyAnchor, subject: str) -> bool:
        """Write a signed anchor once on `subject`; False when the subject holds one already."""
        body = Envelope(
            event_id=uuid.uuid5(_ANCHOR_NAMESPACE, subject),
            event_type=anchor.event_type,
            schema_version=anchor.schema_version,
            occurred_at=dt.datetime.now(dt.UTC),
            actor=AUDITOR,
            school=anchor.school,
            year=school_year(anchor.day),
            correlation_id=subject,
            causation_id=anchor.digest,
            data=anchor.model_dump(mode="json"),
        ).model_dump_json()
        headers = {
            hdr.HEADER_EXPECTED_LAST_SUBJECT_SEQ: "0",
            hdr.HEADER_MSG_ID: subject,
            hdr.HEADER_EVENT_TYPE: anchor.event_type,
            hdr.HEADER_SCHEMA_VERSION: str(anchor.schema_version),
            hdr.HEADER_PREV_HASH: GENESIS_HASH,  # one message per subject: always the first
            hdr.HEADER_CORRELATION_ID: subject,
        }
        try:
            ack = await self._js.publish(subject, body.encode(), stream=AUDIT.name, headers=headers)
        except APIError as error:
            if error.err_code in WRONG_LAST_SEQUENCE:
                return False
            raise
        return not ack.duplicate


def public_keys(signer: Signer | None, trusted: Mapping[str, str]) -> dict[str, bytes]:
    """Key id -> raw public key: the trusted (older) keys, and the signer's own."""
    keys = {key_id: base64.b64decode(text) for key_id, text in trusted.items()}
    if signer is not None:
        keys[signer.key_id] = signer.public_key
    return keys


def integrity_for(
    js: JetStreamContext,
    signer: Signer | None,
    trusted: Mapping[str, str] | None = None,
    *,
    replicas: int = 1,
) -> Integrity:
    """The real adapters behind verification and anchoring (the AUDIT stream, when it must be
    created, with `replicas` copies)."""
    return Integrity(
        source=JetStreamSource(js),
        store=JetStreamAnchors(js, replicas=replicas),
        signer=signer,
        keys=public_keys(signer, trusted or {}),
    )
