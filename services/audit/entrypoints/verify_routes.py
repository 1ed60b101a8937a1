"""Tamper evidence over HTTP: verify a school's streams, list its signed anchors, anchor its
events now, get the keys.

`POST /audit/v1/schools/{school}/verifications` streams its report as NDJSON
(`application/x-ndjson`) rather than running a background job: verifying a year of a big
school takes seconds to a minute, each problem is sent the moment it is found, progress lines
keep proxies from timing out, no job table or state shared between replicas is needed, and a
client that disconnects stops the walk. The last line always says whether all is well.

`POST /audit/v1/schools/{school}/anchors` seals the school's events not anchored yet at once,
rather than at the next hourly run: before a check, or after something the auditor wants sealed.

`GET /audit/v1/keys` is public: the keys are public keys, and an outside auditor needs them
to check the anchors' signatures without an account.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime as dt
import json
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from contracts.audit import DailyAnchor
from services.audit.application.anchoring import anchor_due
from services.audit.application.verification import Integrity, Scope, verify
from services.audit.domain.anchors import signature_valid
from services.audit.domain.chain import Problem, anchor_subject
from services.audit.entrypoints.deps import AuditReader, DepsDep
from services.common.dates import IsoDate
from services.common.limits import long_running
from services.common.path_params import SchoolPath

router = APIRouter(prefix="/audit/v1", tags=["tamper evidence"])

StreamName = Literal["JOURNAL", "ENROLLMENT", "DIARY", "PORTAL", "AUDIT"]
DEFAULT_STREAMS: tuple[StreamName, ...] = ("JOURNAL", "ENROLLMENT", "DIARY", "PORTAL", "AUDIT")
MAX_PROBLEM_LINES = 10_000  # per stream; the summary line counts them all
NDJSON = "application/x-ndjson"


async def get_integrity(deps: DepsDep) -> Integrity:
    """The tamper-evidence adapters the composition root put into the service's Deps."""
    integrity = getattr(deps, "integrity", None)
    if not isinstance(integrity, Integrity):
        raise HTTPException(503, "tamper evidence is not configured in this process")
    return integrity


IntegrityDep = Annotated[Integrity, Depends(get_integrity)]


class VerificationRequest(BaseModel):
    """Which streams to verify (all by default), for the path's school."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"streams": ["JOURNAL"]}]})

    streams: list[StreamName] = Field(default_factory=lambda: list(DEFAULT_STREAMS))


class AnchorOut(BaseModel):
    """A signed daily anchor, its subject on the AUDIT stream and whether its signature holds."""

    subject: str
    school: str
    stream: str
    day: dt.date
    first_seq: int
    last_seq: int
    count: int
    digest: str
    previous_anchor: str
    key_id: str
    algorithm: str
    signature: str
    signature_valid: bool


class AnchorRunOut(BaseModel):
    """What an anchoring run wrote: how many anchors per stream, and each of them."""

    written: dict[str, int]
    anchors: list[AnchorOut]


class KeyOut(BaseModel):
    """A public key anchors are signed with: raw 32 bytes, base64."""

    key_id: str
    algorithm: Literal["ed25519"] = "ed25519"
    public_key: str
    current: bool


class KeysOut(BaseModel):
    """Every key anchors of this service may be signed with."""

    keys: list[KeyOut]


@router.post(
    "/schools/{school}/verifications",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {NDJSON: {}},
            "description": "NDJSON lines: `problem` (each as found, with its position), "
            "`progress`, `stream` (one summary per stream) and a final `summary`",
        }
    },
)
@long_running
async def run_verification(
    school: SchoolPath,
    _reader: AuditReader,
    integrity: IntegrityDep,
    request: VerificationRequest | None = None,
) -> StreamingResponse:
    """Verify the school's part of each stream: chains, sequences, time and signed anchors."""
    streams = (request or VerificationRequest()).streams
    return StreamingResponse(_lines(integrity, school, streams), media_type=NDJSON)


@router.get("/schools/{school}/anchors", response_model=list[AnchorOut])
async def list_anchors(
    school: SchoolPath,
    _reader: AuditReader,
    integrity: IntegrityDep,
    stream: Annotated[StreamName | None, Query()] = None,
    from_day: Annotated[IsoDate | None, Query(alias="from")] = None,
    to_day: Annotated[IsoDate | None, Query(alias="to")] = None,
) -> list[AnchorOut]:
    """The school's anchors in the order written, optionally of one stream and a day range."""
    found = []
    previous: dict[str, DailyAnchor] = {}  # per stream: the subject depends on it
    for a in await integrity.store.anchors(school):
        subject = anchor_subject(a, previous.get(a.stream))
        previous[a.stream] = a
        if stream not in (None, a.stream):
            continue
        if (from_day and a.day < from_day) or (to_day and a.day > to_day):
            continue
        found.append(_anchor_out(subject, a, integrity.keys))
    return found


@router.post("/schools/{school}/anchors", response_model=AnchorRunOut)
@long_running
async def anchor_now(
    school: SchoolPath, _reader: AuditReader, integrity: IntegrityDep
) -> AnchorRunOut:
    """Anchor the school's events not anchored yet now, in every audited stream (the service
    does so every hour anyway); answers the anchors written (none when all was sealed)."""
    if integrity.signer is None:
        raise HTTPException(503, "no signing key (AUDIT_SIGNING_KEY): anchors cannot be signed")
    run = await anchor_due(integrity, school=school)
    return AnchorRunOut(
        written=run.written,
        anchors=[_anchor_out(subject, a, integrity.keys) for subject, a in run.anchors],
    )


def _anchor_out(subject: str, anchor: DailyAnchor, keys: Mapping[str, bytes]) -> AnchorOut:
    valid = signature_valid(anchor, keys)
    return AnchorOut(subject=subject, signature_valid=valid, **anchor.model_dump())


@router.get("/keys", response_model=KeysOut)
async def public_keys(integrity: IntegrityDep) -> KeysOut:
    """The public keys of the anchors' signatures (no token needed: they are public)."""
    current = integrity.signer.key_id if integrity.signer else None
    return KeysOut(
        keys=[
            KeyOut(key_id=k, public_key=base64.b64encode(v).decode(), current=k == current)
            for k, v in sorted(integrity.keys.items())
        ]
    )


async def _lines(integrity: Integrity, school: str, streams: Sequence[str]) -> AsyncIterator[bytes]:
    """The verification's NDJSON, line by line as the walk goes."""
    queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
    task = asyncio.create_task(_run(integrity, school, streams, queue))
    try:
        while (line := await queue.get()) is not None:
            yield (json.dumps(line, ensure_ascii=False) + "\n").encode()
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _run(
    integrity: Integrity,
    school: str,
    streams: Sequence[str],
    queue: asyncio.Queue[dict[str, Any] | None],
) -> None:
    total = 0
    try:
        for stream in streams:
            sent = 0

            def problem(p: Problem, stream: str = stream) -> None:
                nonlocal sent
                sent += 1
                if sent <= MAX_PROBLEM_LINES:
                    queue.put_nowait({"type": "problem", "stream": stream, **asdict(p)})

            def progress(seq: int, last: int, stream: str = stream) -> None:
                queue.put_nowait({"type": "progress", "stream": stream, "seq": seq, "last": last})

            report = await verify(
                integrity, Scope(stream, school=school), on_problem=problem, progress=progress
            )
            total += report.problem_count
            queue.put_nowait(
                {
                    "type": "stream",
                    "stream": stream,
                    "ok": report.ok,
                    "events": report.events,
                    "subjects": report.subjects,
                    "last_seq": report.last_seq,
                    "anchors": report.anchors,
                    "chained": report.chained,
                    "signatures_checked": report.signatures_checked,
                    "problems": report.problem_count,
                    "not_anchored": report.not_anchored,
                    "seconds": round(report.seconds, 3),
                }
            )
        queue.put_nowait({"type": "summary", "school": school, "ok": total == 0, "problems": total})
    except Exception as error:  # the client must see that the verification did not finish
        queue.put_nowait({"type": "error", "ok": False, "detail": str(error)})
    finally:
        queue.put_nowait(None)
