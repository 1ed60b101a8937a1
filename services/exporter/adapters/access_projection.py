"""The exporter's projection of the ENROLLMENT stream: links and staff UIDs (tables `links`,
`staff_uids` of the access schema).

Per batch: the touched aggregates loaded, the pure folds of `services.exporter.domain.access`
in memory, the changed aggregates written back, and every school whose links or UIDs changed
marked due for a grant sync, all in the batch's transaction (the projector opens it and moves
the checkpoint in it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from contracts.base import Event
from services.common.db import Connection
from services.common.projector import Projected
from services.exporter.adapters.grants_pg import mark_due_statement
from services.exporter.domain.access import (
    LinkState,
    PupilLinks,
    StaffUid,
    evolve_links,
    evolve_staff,
    parse_enrollment,
)

NAME = "exporter_access_v1"
Key = tuple[str, str]  # (school, pupil or staff id)

_LOAD_LINKS = (
    "SELECT l.school, l.pupil_id, l.application_id, l.uid, l.relation, l.ended FROM links l "
    "JOIN unnest($1::text[], $2::text[]) AS k(school, pupil_id) "
    "ON l.school = k.school AND l.pupil_id = k.pupil_id"
)
_DELETE_LINKS = (
    "DELETE FROM links l USING unnest($1::text[], $2::text[]) AS k(school, pupil_id) "
    "WHERE l.school = k.school AND l.pupil_id = k.pupil_id"
)
_INSERT_LINKS = (
    "INSERT INTO links (school, pupil_id, application_id, uid, relation, ended) "
    "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], "
    "$6::text[])"
)
_LOAD_STAFF = (
    "SELECT s.school, s.staff_id, s.uid, s.live FROM staff_uids s "
    "JOIN unnest($1::text[], $2::text[]) AS k(school, staff_id) "
    "ON s.school = k.school AND s.staff_id = k.staff_id"
)
_UPSERT_STAFF = (
    "INSERT INTO staff_uids (school, staff_id, uid, live) "
    "SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::boolean[]) "
    "ON CONFLICT (school, staff_id) DO UPDATE SET uid = excluded.uid, live = excluded.live"
)


class AccessProjection:
    """Folds enrollment events into links and staff UIDs, marking changed schools due."""

    name: str = NAME

    def __init__(self, due_table: str) -> None:
        self._mark = mark_due_statement(due_table)

    async def apply(self, conn: Connection, batch: Sequence[Projected]) -> None:
        """Fold `batch` (in stream order) inside the caller's transaction."""
        pupils: defaultdict[Key, list[Event]] = defaultdict(list)
        staff: defaultdict[Key, list[Event]] = defaultdict(list)
        for projected in batch:
            parsed = parse_enrollment(projected.stored.subject)
            if parsed is not None:
                school, kind, aggregate_id = parsed
                (pupils if kind == "pupil" else staff)[(school, aggregate_id)].append(
                    projected.event
                )
        changed = await _fold_pupils(conn, pupils) | await _fold_staff(conn, staff)
        if changed:
            schools = sorted(changed)
            await conn.execute(self._mark, schools, [0] * len(schools))


async def _fold_pupils(conn: Connection, events: dict[Key, list[Event]]) -> set[str]:
    """Fold the pupils' events, write the pupils whose links changed; their schools."""
    if not events:
        return set()
    keys = list(events)
    stored: defaultdict[Key, dict[str, LinkState]] = defaultdict(dict)
    for r in await conn.fetch(_LOAD_LINKS, [k[0] for k in keys], [k[1] for k in keys]):
        stored[(r[0], r[1])][r[2]] = LinkState(r[3], r[4], r[5])
    changed: dict[Key, PupilLinks] = {}
    for key, pupil_events in events.items():
        links: PupilLinks = stored.get(key, {})
        for event in pupil_events:
            links = evolve_links(links, event)
        if links != stored.get(key, {}):
            changed[key] = links
    if changed:
        await conn.execute(_DELETE_LINKS, [k[0] for k in changed], [k[1] for k in changed])
        rows = [
            (*key, application, link.uid, link.relation, link.ended)
            for key, links in changed.items()
            for application, link in links.items()
        ]
        if rows:
            columns = [list(column) for column in zip(*rows, strict=True)]
            await conn.execute(_INSERT_LINKS, *columns)
    return {school for school, _ in changed}


async def _fold_staff(conn: Connection, events: dict[Key, list[Event]]) -> set[str]:
    """Fold the staff members' events, write the UIDs that changed; their schools."""
    if not events:
        return set()
    keys = list(events)
    stored = {
        (r[0], r[1]): StaffUid(r[2], r[3])
        for r in await conn.fetch(_LOAD_STAFF, [k[0] for k in keys], [k[1] for k in keys])
    }
    changed: dict[Key, StaffUid] = {}
    for key, staff_events in events.items():
        current = stored.get(key)
        for event in staff_events:
            current = evolve_staff(current, event)
        if current is not None and current != stored.get(key):
            changed[key] = current
    if changed:
        await conn.execute(
            _UPSERT_STAFF,
            [k[0] for k in changed],
            [k[1] for k in changed],
            [s.uid for s in changed.values()],
            [s.live for s in changed.values()],
        )
    return {school for school, _ in changed}
