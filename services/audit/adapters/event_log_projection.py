"""The event log's projection: every message of one stream, as it came, into `event_log`.

One instance per stream, all writing the one table (each with its own checkpoint). Nothing is
folded: each batch is one `INSERT ... SELECT FROM unnest(...)`, and `ON CONFLICT DO NOTHING`
makes a redelivered message (or a replay over rows already there) a no-op.

A message the registry cannot decode still becomes a dead letter as everywhere; through the
projector's `KeepsDeadLetters` hook it also gets a row here (schema_version 0, its raw body,
headers and the reason as `data`, the envelope columns NULL), so the log shows every message.

Personal data stays sealed (`contracts.personal`): the projectors read with
`services.common.keystore.KEEP_SEALED`, which validates an event without opening it, and the
payload is logged as it travelled, so the audit's tables hold the sealed boxes and never a name
in the clear; destroying a person's key erases them here too. The answers open what they show
(`services.audit.application.opening`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from contracts.envelope import HEADER_PREV_HASH, Envelope
from contracts.personal import resealed
from services.audit.domain.log import UNDECODABLE_VERSION
from services.common.projector_batch import DeadLetter, Delivered, Projected

if TYPE_CHECKING:
    from services.common.db import Connection

COLUMNS = (
    "stream, seq, subject, event_type, schema_version, occurred_at, recorded_at, actor_id, "
    "actor_role, school, year, correlation_id, causation_id, data, prev_hash"
)
_INSERT = (
    f"INSERT INTO event_log ({COLUMNS}) "  # noqa: S608 - constant
    "SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::int[], "
    "$6::timestamptz[], $7::timestamptz[], $8::text[], $9::text[], $10::text[], $11::int[], "
    "$12::text[], $13::text[], $14::jsonb[], $15::text[]) "
    "ON CONFLICT (stream, seq) DO NOTHING"
)

# Where a subject names its school (and year): see DESIGN.md §3.
_SCHOOL_TOKEN = {"jrn": 2, "dry": 2, "enr": 1, "prt": 1}


def _payload(projected: Projected) -> tuple[int, dict[str, Any]]:
    """The payload and its version as they can be decoded again with the stream's registry.

    The projector read a message either straight into the current model (then the model is
    the payload at the current version) or through the plain envelope first (an older version,
    upcast afterwards, or sealed personal data): then the payload is kept as written, at its own
    version. A sealed payload is always read the second way; should a model ever come with its
    sealed object beside it, the object goes back in place of the fields read from it.
    """
    stored, event = projected
    if isinstance(stored.envelope, Envelope):
        return stored.envelope.schema_version, stored.envelope.data
    data = event.model_dump(mode="json")
    if isinstance(stored, Delivered) and stored.sealed is not None:
        data = resealed(event.event_type, data, stored.sealed)
    return type(event).schema_version, data


def _school_and_year(subject: str) -> tuple[str, int | None]:
    """School and year of an undecodable message, from its subject (never from its body)."""
    tokens = subject.split(".")
    at = _SCHOOL_TOKEN.get(tokens[0])
    if at is None or len(tokens) <= at:
        return "", None
    year = tokens[1] if at == 2 else ""
    return tokens[at], int(year) if year.isdecimal() else None


class EventLogProjection:
    """Logs every message of `stream` into `event_log`."""

    def __init__(self, stream: str) -> None:
        self.stream = stream
        self.name = f"audit_log_{stream.lower()}_v1"

    async def apply(self, conn: Connection, batch: Sequence[Projected]) -> None:
        """Insert the batch's messages (those already logged are left as they are)."""
        rows: list[tuple[Any, ...]] = []
        for projected in batch:
            stored = projected.stored
            env = stored.envelope
            version, data = _payload(projected)
            rows.append(
                (
                    self.stream,
                    stored.seq,
                    stored.subject,
                    env.event_type,
                    version,
                    env.occurred_at,
                    stored.recorded_at,
                    env.actor.id,
                    env.actor.role,
                    env.school,
                    env.year,
                    env.correlation_id,
                    env.causation_id,
                    json.dumps(data),
                    stored.prev_hash,
                )
            )
        await _insert(conn, rows)

    async def apply_dead_letters(self, conn: Connection, letters: Sequence[DeadLetter]) -> None:
        """Log that each undecodable message exists, with its raw content and the reason."""
        rows: list[tuple[Any, ...]] = []
        for letter in letters:
            school, year = _school_and_year(letter.subject)
            headers: dict[str, str] = json.loads(letter.headers)
            # Only a message that did not come from JetStream lacks its timestamp.
            recorded = letter.recorded_at or dt.datetime.now(dt.UTC)
            data = {"reason": letter.reason, "body": letter.body, "headers": headers}
            rows.append(
                (
                    self.stream,
                    letter.seq,
                    letter.subject,
                    letter.event_type or "",
                    UNDECODABLE_VERSION,
                    None,
                    recorded,
                    None,
                    None,
                    school,
                    year,
                    None,
                    None,
                    json.dumps(data),
                    headers.get(HEADER_PREV_HASH, ""),
                )
            )
        await _insert(conn, rows)


async def _insert(conn: Connection, rows: list[tuple[Any, ...]]) -> None:
    if rows:
        await conn.execute(_INSERT, *(list(column) for column in zip(*rows, strict=True)))
