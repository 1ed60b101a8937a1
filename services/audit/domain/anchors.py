"""Anchors: cutting a stream into schools' local days, sealing and signing what is there.

The definitions of what is hashed and signed are the contract's (`contracts.audit`); this
module computes them from messages and does the Ed25519 signing and checking (the
`cryptography` library: pure computation, no I/O).

`DayCutter` is fed a stream's messages in order and answers the anchors (unsigned) of every
school's events not anchored yet, one per local day they fall on, the current day included:
an anchoring run seals everything up to the moment it reads, so an event is sealed at most
one run after it was written (the Prev-Hash chain alone cannot catch an altered last event of
a subject: nothing names it yet). A day anchored in several runs gets several anchors, each
continuing from the previous one (`anchor_subject` names them apart). A school's days follow
its messages' server timestamps, which only move forward; should a clock have stepped back,
the message stays in the school's open (or last anchored) day, so each anchor is one
contiguous run of the school's messages and the anchors' sequence ranges never overlap.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from contracts import envelope as hdr
from contracts import subjects
from contracts.audit import ANCHOR_TIMEZONE, AnchorDigest, DailyAnchor, anchor_hash, signed_bytes
from contracts.chain import GENESIS_HASH, event_hash
from services.audit.domain.chain import Message, Problem, anchor_subject

ZONE = ZoneInfo(ANCHOR_TIMEZONE)
SEED_BYTES = 32


def local_day(time: dt.datetime) -> dt.date:
    """The school's calendar day of a timestamp."""
    return time.astimezone(ZONE).date()


def school_year(day: dt.date) -> int:
    """The school year (its first calendar year) a day belongs to: it starts on 1 September."""
    return day.year if day.month >= 9 else day.year - 1


def message_hash(message: Message) -> str:
    """A message's chain hash: the leaf of the day's digest."""
    headers = message.headers
    return event_hash(
        headers.get(hdr.HEADER_PREV_HASH) or GENESIS_HASH,
        message.subject,
        headers.get(hdr.HEADER_EVENT_TYPE, ""),
        message.body,
    )


@dataclass(slots=True)
class _Open:
    day: dt.date
    digest: AnchorDigest = field(default_factory=AnchorDigest)


@dataclass(slots=True)
class DayCutter:
    """Anchors still due in one stream (see the module's docstring).

    `latest` holds each school's last anchor of the stream: its sequences are sealed already,
    and it is what the next anchor chains to. `key_id` goes into each anchor, which is signed
    afterwards (`Signer.sign`). `school` limits the cut to one school's messages.
    """

    stream: str
    key_id: str
    latest: Mapping[str, DailyAnchor] = field(default_factory=dict)
    school: str | None = None
    _open: dict[str, _Open] = field(default_factory=dict)
    _previous: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._previous = {school: anchor_hash(a) for school, a in self.latest.items()}

    def add(self, message: Message) -> DailyAnchor | None:
        """Account for the next message; answer the anchor of a day it shows to be complete."""
        school = subjects.school_of(message.subject)
        if school is None or self.school not in (None, school):
            return None
        last = self.latest.get(school)
        day = local_day(message.time)
        if last is not None:
            if message.seq <= last.last_seq:
                return None
            day = max(day, last.day)  # a clock stepped back: never before the sealed day
        sealed = None
        current = self._open.get(school)
        if current is None or day > current.day:
            if current is not None:
                sealed = self._seal(school, current)
            current = self._open[school] = _Open(day)
        current.digest.add(message.seq, message_hash(message))
        return sealed

    def finish(self) -> list[DailyAnchor]:
        """The anchors of the days still open at the end of the walk (today's so far too)."""
        return [self._seal(school, state) for school, state in sorted(self._open.items())]

    def _seal(self, school: str, state: _Open) -> DailyAnchor:
        digest = state.digest
        anchor = DailyAnchor(
            school=school,
            stream=self.stream,
            day=state.day,
            first_seq=digest.first_seq,
            last_seq=digest.last_seq,
            count=digest.count,
            digest=digest.hexdigest(),
            previous_anchor=self._previous.get(school, GENESIS_HASH),
            key_id=self.key_id,
        )
        self._previous[school] = anchor_hash(anchor)
        return anchor


class Signer:
    """The school's Ed25519 signing key (from its 32-byte seed) and the id it is known by."""

    def __init__(self, seed: bytes, key_id: str | None = None) -> None:
        if len(seed) != SEED_BYTES:
            msg = f"an Ed25519 seed is {SEED_BYTES} bytes, not {len(seed)}"
            raise ValueError(msg)
        self._key = Ed25519PrivateKey.from_private_bytes(seed)
        self.public_key = self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.key_id = key_id or fingerprint(self.public_key)

    @classmethod
    def from_base64(cls, seed_b64: str, key_id: str | None = None) -> Signer:
        """A signer from the base64 (standard or URL-safe) text of its seed."""
        text = seed_b64.strip()
        decode = base64.urlsafe_b64decode if ("-" in text or "_" in text) else base64.b64decode
        return cls(decode(text + "=" * (-len(text) % 4)), key_id)

    def sign(self, anchor: DailyAnchor) -> DailyAnchor:
        """The anchor with this key's id and signature."""
        named = anchor.model_copy(update={"key_id": self.key_id, "signature": ""})
        signature = self._key.sign(signed_bytes(named))
        return named.model_copy(update={"signature": base64.b64encode(signature).decode()})


def fingerprint(public_key: bytes) -> str:
    """A key id derived from a public key: the first 16 hex digits of its SHA-256."""
    return "ed25519-" + hashlib.sha256(public_key).hexdigest()[:16]


def signature_valid(anchor: DailyAnchor, keys: Mapping[str, bytes]) -> bool:
    """True when the anchor is signed by the key its `key_id` names, among `keys`."""
    public = keys.get(anchor.key_id)
    if public is None:
        return False
    try:
        raw = base64.b64decode(anchor.signature, validate=True)
        Ed25519PublicKey.from_public_bytes(public).verify(raw, signed_bytes(anchor))
    except (InvalidSignature, ValueError):
        return False
    return True


def check_anchors(
    anchors: Iterable[DailyAnchor], keys: Mapping[str, bytes] | None
) -> list[Problem]:
    """Problems of the anchors themselves: bad signatures, a broken or forked anchor chain,
    ranges out of order. `anchors` are those of one stream, in the order they were written;
    signatures are not checked when no `keys` are known."""
    problems: list[Problem] = []
    last: dict[str, DailyAnchor] = {}
    for anchor in anchors:
        subject = anchor_subject(anchor, last.get(anchor.school))
        if keys is not None and not signature_valid(anchor, keys):
            problems.append(
                Problem(
                    "anchor_signature",
                    anchor.first_seq,
                    f"bad signature ({anchor.key_id})",
                    subject,
                    last_seq=anchor.last_seq,
                )
            )
        before = last.get(anchor.school)
        expected = anchor_hash(before) if before is not None else GENESIS_HASH
        if anchor.previous_anchor != expected:
            problems.append(
                Problem(
                    "anchor_chain",
                    anchor.first_seq,
                    "previous_anchor does not name the anchor before it: one removed or altered",
                    subject,
                    last_seq=anchor.last_seq,
                    expected=expected,
                    found=anchor.previous_anchor,
                )
            )
        if before is not None and (anchor.first_seq <= before.last_seq or anchor.day < before.day):
            problems.append(
                Problem(
                    "anchor_order",
                    anchor.first_seq,
                    f"overlaps or precedes the anchor of {before.day.isoformat()}",
                    subject,
                    last_seq=anchor.last_seq,
                )
            )
        last[anchor.school] = anchor
    return problems
