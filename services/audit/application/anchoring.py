"""Anchoring: seal every school's events of every audited stream, and sign the seals.

`anchor_due` walks each stream from sequence 1 (reading is cheap: a year of a big school is
seconds), cuts the events not anchored yet into schools' local days (`domain.anchors.DayCutter`,
which skips what the latest anchors sealed) and publishes, signed and in order, one anchor per
school and day, today's events so far included. It is idempotent: a re-run with nothing new
writes nothing, and the store writes each anchor subject at most once even when two runs race
(the loser stops for that school: its next anchors would chain to one that was not written).

`run_anchoring` is the service's loop: once at start, then every `anchor_every` (an hour by
default, at most an hour), so an event is sealed within the hour. Until then only the
Prev-Hash chain protects it, and the chain cannot catch an altered last event of a subject; the
verification counts those events (`not_anchored`). An operator (`ops audit anchor`) or an
auditor (`POST /audit/v1/schools/{school}/anchors`) can seal at once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import structlog
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from contracts.audit import DailyAnchor
from contracts.streams import AUDITED_STREAMS
from services.audit.application.verification import Integrity
from services.audit.domain.anchors import DayCutter, Signer
from services.audit.domain.chain import Message, anchor_subject

logger = structlog.get_logger()

RETRY_AFTER = dt.timedelta(minutes=10)
ANCHOR_EVERY = dt.timedelta(hours=1)
AUDITED = tuple(spec.name for spec in AUDITED_STREAMS)


class SigningSettings(BaseSettings):
    """The anchors' signing key, read from `AUDIT_*` variables (beside the service's Settings).

    `AUDIT_SIGNING_KEY`: base64 (standard or URL-safe, padding optional) of a 32-byte Ed25519
    private key seed, e.g. `python -c "import os,base64;print(base64.b64encode(os.urandom(32))
    .decode())"`. Without it the service verifies but does not anchor.
    `AUDIT_KEY_ID`: the id the key is published under; default `ed25519-<16 hex of the SHA-256
    of the public key>`. `AUDIT_TRUSTED_KEYS`: JSON object key id -> base64 raw public key of
    earlier keys, so anchors signed before a rotation still verify. `AUDIT_ANCHOR_EVERY`: how
    often the service anchors (seconds or ISO 8601 such as `PT15M`; one minute to one hour).
    """

    model_config = SettingsConfigDict(env_prefix="AUDIT_", extra="ignore")

    signing_key: SecretStr | None = None
    key_id: str | None = None
    trusted_keys: dict[str, str] = Field(default_factory=dict)
    anchor_every: dt.timedelta = Field(
        default=ANCHOR_EVERY, ge=dt.timedelta(minutes=1), le=ANCHOR_EVERY
    )

    def signer(self) -> Signer | None:
        """The signer, when a key is configured."""
        if self.signing_key is None:
            return None
        return Signer.from_base64(self.signing_key.get_secret_value(), self.key_id)


@dataclass(frozen=True, slots=True)
class AnchorRun:
    """What one anchoring run wrote, per stream, and each anchor with its AUDIT subject."""

    written: dict[str, int] = field(default_factory=dict)
    anchors: tuple[tuple[str, DailyAnchor], ...] = ()


def latest_per_school(anchors: Sequence[DailyAnchor], stream: str) -> dict[str, DailyAnchor]:
    """Each school's last anchor of a stream."""
    latest: dict[str, DailyAnchor] = {}
    for anchor in anchors:
        if anchor.stream == stream:
            before = latest.get(anchor.school)
            if before is None or anchor.last_seq > before.last_seq:
                latest[anchor.school] = anchor
    return latest


async def anchor_due(
    integrity: Integrity,
    *,
    streams: Sequence[str] = AUDITED,
    school: str | None = None,
) -> AnchorRun:
    """Publish the anchors of every event not anchored yet (of `school`, or of all)."""
    signer = integrity.signer
    if signer is None:
        msg = "no signing key (AUDIT_SIGNING_KEY): anchors cannot be signed"
        raise RuntimeError(msg)
    existing = await integrity.store.anchors(school)
    written: dict[str, int] = {}
    published: list[tuple[str, DailyAnchor]] = []
    for stream in streams:
        latest = latest_per_school(existing, stream)
        cutter = DayCutter(stream, signer.key_id, latest, school=school)
        sealed = await _seal(integrity, stream, cutter)
        new = await _publish(integrity, signer, sealed, latest)
        written[stream] = len(new)
        published.extend(new)
    return AnchorRun(written, tuple(published))


async def _publish(
    integrity: Integrity,
    signer: Signer,
    sealed: Sequence[DailyAnchor],
    latest: dict[str, DailyAnchor],
) -> list[tuple[str, DailyAnchor]]:
    """Sign and publish in order; a school whose anchor another run wrote first is left for
    the next run (its later anchors here chain to the one that lost)."""
    published: list[tuple[str, DailyAnchor]] = []
    lost: set[str] = set()
    previous = dict(latest)
    for anchor in sealed:
        if anchor.school in lost:
            continue
        signed = signer.sign(anchor)
        subject = anchor_subject(signed, previous.get(anchor.school))
        if await integrity.store.publish(signed, subject):
            published.append((subject, signed))
            previous[anchor.school] = signed
        else:
            lost.add(anchor.school)
    return published


async def _seal(integrity: Integrity, stream: str, cutter: DayCutter) -> list[DailyAnchor]:
    """Walk the stream through the cutter; the anchors (unsigned) of what it cut."""
    sealed: list[DailyAnchor] = []

    def cut(message: Message) -> None:
        anchor = cutter.add(message)
        if anchor is not None:
            sealed.append(anchor)

    await integrity.source.read(stream, cut)
    sealed.extend(cutter.finish())
    return sealed


async def run_anchoring(
    integrity: Integrity,
    *,
    every: dt.timedelta = ANCHOR_EVERY,
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    still_held: Callable[[], Awaitable[bool]] | None = None,
) -> None:
    """Create the AUDIT stream if need be, anchor once now, then every `every`, until
    cancelled, or until `still_held` (the lease of the replica that anchors) says no before a
    round.

    A failed run (NATS away, say) is logged and tried again after `RETRY_AFTER` (or `every`,
    if sooner).
    """
    if integrity.signer is None:
        logger.warning("anchoring.disabled", reason="no AUDIT_SIGNING_KEY")
        return
    await integrity.store.prepare()
    wake = clock()
    while True:
        delay = (wake - clock()).total_seconds()
        if delay > 0:
            await asyncio.sleep(delay)
        if still_held is not None and not await still_held():
            return
        try:
            run = await anchor_due(integrity)
        except Exception:
            logger.exception("anchoring.failed")
            wake = clock() + min(RETRY_AFTER, every)
            continue
        logger.info("anchoring.done", written=run.written, key_id=integrity.signer.key_id)
        wake = clock() + every
