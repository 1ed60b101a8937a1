"""Portal users' own data in the messages schema: how the messages' projection applies their
events (`apply_profile_event`), and the labels read back for threads.

Every statement is idempotent on its own: a label is replaced only by the event of a later
stream sequence, a marker only moves forward. So a redelivered or replayed event, even alone
and out of order, changes nothing.
"""

from __future__ import annotations

from collections.abc import Collection

from contracts.portal import ChangesSeen, ChildLabelSet, UserLabelSet
from services.common.db import Connection, Pool
from services.common.projector import Projected

_USER_LABEL = (
    "INSERT INTO user_labels AS l (school, uid, label, seq) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (school, uid) DO UPDATE SET label = excluded.label, seq = excluded.seq "
    "WHERE l.seq < excluded.seq"
)
_CHILD_LABEL = (
    "INSERT INTO child_labels AS l (school, uid, pupil, label, seq) VALUES ($1, $2, $3, $4, $5) "
    "ON CONFLICT (school, uid, pupil) DO UPDATE SET label = excluded.label, seq = excluded.seq "
    "WHERE l.seq < excluded.seq"
)
_SEEN = (
    "INSERT INTO changes_seen AS s (school, uid, pupil, up_to) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (school, uid, pupil) DO UPDATE SET up_to = excluded.up_to "
    "WHERE s.up_to < excluded.up_to"
)
_LABELS = (
    "SELECT uid, label FROM user_labels WHERE school = $1 AND uid = ANY($2::bigint[]) ORDER BY uid"
)


async def apply_profile_event(conn: Connection, item: Projected) -> None:
    """Apply the event if it is about a user's own data (any other event changes nothing)."""
    school, seq, event = item.stored.envelope.school, item.stored.seq, item.event
    if isinstance(event, UserLabelSet):
        await conn.execute(_USER_LABEL, school, event.uid, event.label, seq)
    elif isinstance(event, ChildLabelSet):
        await conn.execute(_CHILD_LABEL, school, event.uid, event.pupil, event.label, seq)
    elif isinstance(event, ChangesSeen):
        await conn.execute(_SEEN, school, event.uid, event.pupil, event.up_to)


class PgProfileReads:
    """The `ProfileReads` port on the messages schema."""

    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def labels(self, school: str, uids: Collection[int]) -> dict[int, str]:
        """The labels the given users set for themselves (a user without one is left out)."""
        if not uids:
            return {}
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(_LABELS, school, list(uids))
        return {row["uid"]: row["label"] for row in rows}
