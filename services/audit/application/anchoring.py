"""Daily anchors: seal every finished day of every school in every audited stream, and sign it.

`anchor_due` walks each stream from sequence 1 (reading is cheap: a year of a big school is
seconds), cuts it into schools' local days (`domain.anchors.DayCutter`, which skips what the
latest anchors sealed) and publishes, signed and in order, the anchor of each day that is over
and not anchored yet.
It is idempotent: a re-run finds the days already sealed and writes nothing, and the store
writes each anchor subject at most once even when two runs race.

`run_anchoring` is the service's loop: once at start, then every day at `anchor_at` local
time (00:30 by default, when yesterday is over everywhere in the school's zone).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import structlog
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from contracts.audit import DailyAnchor
from contracts.streams import AUDITED_STREAMS
from services.audit.application.verification import Integrity
from services.audit.domain.anchors import ZONE, DayCutter, Signer, local_day
from services.audit.domain.chain import Message

logger = structlog.get_logger()

RETRY_AFTER = dt.timedelta(minutes=10)
AUDITED = tuple(spec.name for spec in AUDITED_STREAMS)


class SigningSettings(BaseSettings):
    """The anchors' signing key, read from `AUDIT_*` variables (beside the service's Settings).

    `AUDIT_SIGNING_KEY`: base64 (standard or URL-safe, padding optional) of a 32-byte Ed25519
    private key seed, e.g. `python -c "import os,base64;print(base64.b64encode(os.urandom(32))
    .decode())"`. Without it the service verifies but does not anchor.
    `AUDIT_KEY_ID`: the id the key is published under; default `ed25519-<16 hex of the SHA-256
    of the public key>`. `AUDIT_TRUSTED_KEYS`: JSON object key id -> base64 raw public key of
    earlier keys, so anchors signed before a rotation still verify. `AUDIT_ANCHOR_AT`: local
    time of the daily run.
    """

    model_config = SettingsConfigDict(env_prefix="AUDIT_", extra="ignore")

    signing_key: SecretStr | None = None
    key_id: str | None = None
    trusted_keys: dict[str, str] = Field(default_factory=dict)
    anchor_at: dt.time = dt.time(0, 30)

    def signer(self) -> Signer | None:
        """The signer, when a key is configured."""
        if self.signing_key is None:
            return None
        return Signer.from_base64(self.signing_key.get_secret_value(), self.key_id)


@dataclass(frozen=True, slots=True)
class AnchorRun:
    """What one anchoring run wrote, per stream."""

    written: dict[str, int] = field(default_factory=dict)
    anchors: tuple[DailyAnchor, ...] = ()


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
    today: dt.date,
    streams: Sequence[str] = AUDITED,
) -> AnchorRun:
    """Publish the anchors of every day before `today` (local) not anchored yet."""
    signer = integrity.signer
    if signer is None:
        msg = "no signing key (AUDIT_SIGNING_KEY): anchors cannot be signed"
        raise RuntimeError(msg)
    existing = await integrity.store.anchors()
    written: dict[str, int] = {}
    published: list[DailyAnchor] = []
    for stream in streams:
        cutter = DayCutter(stream, today, signer.key_id, latest_per_school(existing, stream))
        sealed = await _seal(integrity, stream, cutter)
        count = 0
        for anchor in sealed:
            signed = signer.sign(anchor)
            if await integrity.store.publish(signed):
                count += 1
                published.append(signed)
        written[stream] = count
    return AnchorRun(written, tuple(published))


async def _seal(integrity: Integrity, stream: str, cutter: DayCutter) -> list[DailyAnchor]:
    """Walk the stream through the cutter; the anchors (unsigned) of the days it closed."""
    sealed: list[DailyAnchor] = []

    def cut(message: Message) -> None:
        anchor = cutter.add(message)
        if anchor is not None:
            sealed.append(anchor)

    await integrity.source.read(stream, cut)
    sealed.extend(cutter.finish())
    return sealed


def next_run(now: dt.datetime, at: dt.time) -> dt.datetime:
    """The next moment it is `at` o'clock in the school's zone, after `now`."""
    local = now.astimezone(ZONE)
    candidate = dt.datetime.combine(local.date(), at, tzinfo=ZONE)
    if candidate <= local:
        candidate = dt.datetime.combine(local.date() + dt.timedelta(days=1), at, tzinfo=ZONE)
    return candidate


async def run_anchoring(
    integrity: Integrity,
    *,
    at: dt.time = dt.time(0, 30),
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
) -> None:
    """Create the AUDIT stream if need be, anchor once now, then daily at `at` local time,
    until cancelled.

    A failed run (NATS away, say) is logged and tried again after `RETRY_AFTER`.
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
        try:
            run = await anchor_due(integrity, today=local_day(clock()))
        except Exception:
            logger.exception("anchoring.failed")
            wake = clock() + RETRY_AFTER
            continue
        logger.info("anchoring.done", written=run.written, key_id=integrity.signer.key_id)
        wake = next_run(clock(), at)
