"""The messages' read model: the PORTAL stream projected into the messages schema, and its reads.

Threads, participants, messages and read positions here; the portal users' own data (labels,
"seen up to" markers) through `profile_reads`, in the same transaction and stream order.
Every statement is idempotent on its own (inserts keyed by thread and index, read positions that
only move forward), on top of the projector's checkpoint, so a redelivered or replayed event
changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from contracts.portal import Message, MessagePosted, ThreadRead, ThreadStarted
from services.common.db import Connection, Pool
from services.common.projector import Projected
from services.diary.adapters.profile_reads import apply_profile_event
from services.diary.application.portal_ports import ThreadSummary

PROJECTION_NAME = "diary_messages_v1"

_THREAD = (
    "INSERT INTO threads (school, thread_id, year, class_id, subject_id, title, started_by, "
    "started_at, last_index, last_message_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $8) "
    "ON CONFLICT (school, thread_id) DO NOTHING"
)
_PARTICIPANTS = (
    "INSERT INTO participants (school, thread_id, uid, role, pupils, read_up_to) "
    "SELECT $1, $2, d.uid, d.role, string_to_array(d.pupils, ' ')::text[], "
    "CASE WHEN d.uid = $3 THEN 1 ELSE 0 END "
    "FROM unnest($4::bigint[], $5::text[], $6::text[]) AS d(uid, role, pupils) "
    "ON CONFLICT (school, thread_id, uid) DO NOTHING"
)
_MESSAGE = (
    "INSERT INTO messages (school, thread_id, idx, message_id, author, text, attachments, "
    "posted_at) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8) "
    "ON CONFLICT (school, thread_id, idx) DO NOTHING"
)
_RECIPIENTS = (
    "INSERT INTO message_recipients (school, thread_id, idx, uid) "
    "SELECT $1, $2, $3, unnest($4::bigint[]) ON CONFLICT DO NOTHING"
)
_LAST = (
    "UPDATE threads SET last_index = $3, last_message_at = $4 "
    "WHERE school = $1 AND thread_id = $2 AND last_index < $3"
)
_READ = (
    "UPDATE participants SET read_up_to = $4 "
    "WHERE school = $1 AND thread_id = $2 AND uid = $3 AND read_up_to < $4"
)
_UNREAD = (
    "(SELECT count(*) FROM message_recipients r WHERE r.school = p.school "
    "AND r.thread_id = p.thread_id AND r.uid = p.uid AND r.idx > p.read_up_to)"
)
_SEEN = (
    "(SELECT count(*) FROM messages m WHERE m.school = p.school AND m.thread_id = p.thread_id "
    "AND (m.author = p.uid OR EXISTS (SELECT 1 FROM message_recipients r WHERE "
    "r.school = m.school AND r.thread_id = m.thread_id AND r.idx = m.idx AND r.uid = p.uid)))"
)
_THREADS_OF = (
    "SELECT t.thread_id, t.year, t.class_id, t.subject_id, t.title, p.role, t.started_by, "  # noqa: S608 - constant fragments
    f"t.started_at, t.last_message_at, {_SEEN} AS messages, {_UNREAD} AS unread "
    "FROM participants p JOIN threads t ON t.school = p.school AND t.thread_id = p.thread_id "
    "WHERE p.school = $1 AND p.uid = $2 ORDER BY t.last_message_at DESC, t.thread_id LIMIT $3"
)
_UNREAD_TOTAL = (
    f"SELECT coalesce(sum({_UNREAD}), 0) FROM participants p "  # noqa: S608 - constant fragments
    "WHERE p.school = $1 AND p.uid = $2"
)


class MessagesProjection:
    """The `Projection` of the PORTAL stream into the messages schema."""

    @property
    def name(self) -> str:
        """Checkpoint key and durable consumer name."""
        return PROJECTION_NAME

    async def apply(self, conn: Connection, batch: Sequence[Projected]) -> None:
        """Threads, participants, messages, read positions and users' own data, in order."""
        for item in batch:
            envelope = item.stored.envelope
            school, event = envelope.school, item.event
            if isinstance(event, ThreadStarted):
                await _start(conn, school, envelope.year, item, event)
            elif isinstance(event, MessagePosted):
                await _message(conn, school, event.thread_id, event.index, event.message, item)
                await conn.execute(
                    _RECIPIENTS, school, event.thread_id, event.index, list(event.recipients)
                )
                await conn.execute(
                    _LAST, school, event.thread_id, event.index, envelope.occurred_at
                )
                await conn.execute(
                    _READ, school, event.thread_id, event.message.author, event.index
                )
            elif isinstance(event, ThreadRead):
                await conn.execute(_READ, school, event.thread_id, event.uid, event.up_to)
            else:
                await apply_profile_event(conn, item)


async def _start(
    conn: Connection, school: str, year: int, item: Projected, event: ThreadStarted
) -> None:
    at = item.stored.envelope.occurred_at
    await conn.execute(
        _THREAD,
        school,
        event.thread_id,
        year,
        event.class_id,
        event.subject_id,
        event.title,
        event.started_by,
        at,
    )
    people = event.participants
    await conn.execute(
        _PARTICIPANTS,
        school,
        event.thread_id,
        event.started_by,
        [p.uid for p in people],
        [p.role for p in people],
        [" ".join(p.pupils) for p in people],  # pseudonyms have no spaces
    )
    await _message(conn, school, event.thread_id, 1, event.message, item)
    others = [p.uid for p in people if p.uid != event.started_by]
    await conn.execute(_RECIPIENTS, school, event.thread_id, 1, others)


async def _message(
    conn: Connection, school: str, thread_id: str, index: int, message: Message, item: Projected
) -> None:
    files = json.dumps([a.model_dump(mode="json") for a in message.attachments])
    await conn.execute(
        _MESSAGE,
        school,
        thread_id,
        index,
        message.message_id,
        message.author,
        message.text,
        files,
        item.stored.envelope.occurred_at,
    )


class PgThreadReads:
    """The `ThreadReads` port on the messages schema."""

    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def threads_of(self, school: str, uid: int, limit: int) -> list[ThreadSummary]:
        """The threads `uid` takes part in, the latest message first."""
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(_THREADS_OF, school, uid, limit)
        return [
            ThreadSummary(
                thread_id=row["thread_id"],
                year=row["year"],
                class_id=row["class_id"],
                subject_id=row["subject_id"],
                title=row["title"],
                role=row["role"],
                started_by=row["started_by"],
                started_at=row["started_at"],
                last_message_at=row["last_message_at"],
                messages=int(row["messages"]),
                unread=int(row["unread"]),
            )
            for row in rows
        ]

    async def unread_total(self, school: str, uid: int) -> int:
        """Messages sent to `uid` that they have not read yet, over all their threads."""
        async with self._pool.acquire() as conn:
            return int(await conn.fetchval(_UNREAD_TOTAL, school, uid))
