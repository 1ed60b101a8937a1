"""The export state: a projection of the JOURNAL stream into the exporter's documents (table
`docs`: each document's typed state in its stored form, `services.exporter.domain.stored_docs`).

Per batch: the touched documents loaded in one query (an event may touch more than one: a
class's teaching also changes the school year's staff roll and directory), the pure fold of
`services.exporter.domain.fold` in memory, the changed documents written in one set-based
upsert. The projector opens the transaction and moves the checkpoint in it.

The projection's name carries the version of the stored form: `export_docs_v2` keeps the
kernel's state (v1 kept the published records), so an installation folded by v1 starts again
from sequence 1 into an emptied table (migration 0007) instead of misreading its rows.

The same batches keep the names of the school's pupils (table `pupil_names`) for the name
guard, which redacts them from exported free texts; they are never published.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from contracts.journal import PersonErased, PupilRegistered, SchoolYearClosed
from contracts.personal import ERASED
from contracts.subjects import parse_journal
from services.common.db import Connection
from services.common.projector import Projected
from services.exporter.adapters.grants_pg import mark_due_statement
from services.exporter.domain.docs import DocKind, Folded
from services.exporter.domain.fold import Stamp, doc_keys, evolve_docs
from services.exporter.domain.stored_docs import dump_state, load_state

NAME = "export_docs_v2"
DocKey = tuple[str, int, DocKind, str]  # (school, year, kind, record_id)

# One primary-key probe per key (LATERAL ... LIMIT 1 is not flattened into a join): planned
# from missing statistics (a fresh rebuild) a join chose merge or hash joins whose cost grew
# with the table, batch after batch.
_LOAD = (
    "SELECT d.school, d.year, d.kind, d.record_id, d.seq, d.content::text "
    "FROM unnest($1::text[], $2::int[], $3::text[], $4::text[]) AS k(school, year, kind, id) "
    "CROSS JOIN LATERAL (SELECT * FROM docs WHERE docs.school = k.school AND docs.year = k.year "
    "AND docs.kind = k.kind AND docs.record_id = k.id LIMIT 1) AS d"
)
_COLUMNS = ("school", "year", "kind", "record_id", "seq", "content", "digest")
_NAME = (
    "INSERT INTO pupil_names (school, year, pupil_id, full_name, seq) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING"
)
# An erased pupil's names go (read again from sequence 1, their registrations read erased).
_FORGET = "DELETE FROM pupil_names WHERE school = $1 AND pupil_id = $2"
_UPSERT = (
    "INSERT INTO docs (school, year, kind, record_id, seq, content, digest) "
    "SELECT school, year, kind, record_id, seq, content::jsonb, digest FROM unnest("
    "$1::text[], $2::int[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[]) "
    "AS u(school, year, kind, record_id, seq, content, digest) "
    "ON CONFLICT (school, year, kind, record_id) DO UPDATE SET seq = excluded.seq, "
    "content = excluded.content, digest = excluded.digest"
)


class ExportDocsProjection:
    """Folds journal events into the documents the exporter publishes.

    With `due_table`, the live projection also marks the school years whose class documents
    changed due for a grant sync there (a class says who is in it and who teaches it), in the
    batch's transaction; with `rollovers_table`, the school years a rollover closed (their full
    exports follow).
    """

    name: str = NAME

    def __init__(self, due_table: str | None = None, rollovers_table: str | None = None) -> None:
        self._mark = None if due_table is None else mark_due_statement(due_table)
        self._rollovers = None if rollovers_table is None else _closed_statement(rollovers_table)

    async def apply(self, conn: Connection, batch: Sequence[Projected]) -> None:
        """Fold `batch` (in stream order) into `docs` inside the caller's transaction."""
        await remember_names(conn, batch)
        keyed = _keyed(batch)
        if not keyed:
            return
        docs = await load(conn, {key for keys, _ in keyed for key in keys})
        seqs = {key: doc.seq for key, doc in docs.items()}
        changed = _fold(docs, keyed)
        await save(conn, {k: d for k, d in changed.items() if k in seqs})
        await insert(conn, {k: d for k, d in changed.items() if k not in seqs})
        # Grants follow what the class records say (a seq moved), not the state beside it.
        years = sorted(
            {(k[0], k[1]) for k, d in changed.items() if k[2] == "class" and seqs.get(k) != d.seq}
        )
        if self._mark is not None and years:
            await conn.execute(self._mark, [y[0] for y in years], [y[1] for y in years])
        closed = [
            (k[0][0], k[0][1], p.event.next_year)
            for k, p in keyed
            if isinstance(p.event, SchoolYearClosed)
        ]
        if self._rollovers is not None and closed:
            await conn.executemany(self._rollovers, closed)


async def remember_names(conn: Connection, batch: Sequence[Projected]) -> None:
    """The pupils' names the batch registers, for the name guard (`pupil_names`: school side,
    never published); a name registered again changes nothing."""
    rows = []
    for projected in batch:
        event = projected.event
        if isinstance(event, PupilRegistered) and event.full_name != ERASED:
            year, school, *_ = parse_journal(projected.stored.subject)
            rows.append((school, year, event.pupil_id, event.full_name, projected.stored.seq))
        elif isinstance(event, PersonErased) and event.kind == "pupil":
            if rows:  # in stream order: what the batch named before goes first
                await conn.executemany(_NAME, rows)
                rows = []
            await conn.execute(_FORGET, projected.stored.envelope.school, event.person)
    if rows:
        await conn.executemany(_NAME, rows)


class PupilNamesProjection:
    """Only the pupils' names, from the journal's pupil subjects: fills `pupil_names` of an
    export state folded before the name guard (`PgExportState.backfill_names`)."""

    name: str = "export_pupil_names_v1"

    async def apply(self, conn: Connection, batch: Sequence[Projected]) -> None:
        """Remember the names the batch registers."""
        await remember_names(conn, batch)


def _closed_statement(table: str) -> str:
    """Marks a closed school year once (a later batch never marks it again)."""
    return (
        f"INSERT INTO {table} (school, year, next_year) VALUES ($1, $2, $3) "  # noqa: S608
        "ON CONFLICT (school, year) DO NOTHING"
    )


def _keyed(batch: Sequence[Projected]) -> list[tuple[list[DocKey], Projected]]:
    """The events that may change documents, each with the keys of those documents."""
    keyed: list[tuple[list[DocKey], Projected]] = []
    for projected in batch:
        found = doc_keys(projected.stored.subject)
        if found:
            year, school, *_ = parse_journal(projected.stored.subject)
            keyed.append(
                ([(school, year, kind, record_id) for kind, record_id in found], projected)
            )
    return keyed


def _fold(
    docs: dict[DocKey, Folded], keyed: list[tuple[list[DocKey], Projected]]
) -> dict[DocKey, Folded]:
    """Fold the events into `docs` in order; the documents they changed."""
    changed: dict[DocKey, Folded] = {}
    for keys, projected in keyed:
        school, year = keys[0][0], keys[0][1]
        stored = projected.stored
        envelope = stored.envelope
        after = evolve_docs(
            {(k[2], k[3]): docs[k] for k in keys if k in docs},
            projected.event,
            subject=stored.subject,
            seq=stored.seq,
            stamp=Stamp(envelope.actor.id, stored.recorded_at, envelope.occurred_at),
        )
        for (kind, record_id), doc in after.items():
            key = (school, year, kind, record_id)
            docs[key] = changed[key] = doc
    return changed


async def load(conn: Connection, keys: set[DocKey]) -> dict[DocKey, Folded]:
    """The stored documents of `keys` (keys without a document are simply absent)."""
    columns = list(zip(*keys, strict=True))
    rows = await conn.fetch(_LOAD, *(list(c) for c in columns))
    return {
        (r[0], r[1], r[2], r[3]): Folded(r[2], r[3], r[4], load_state(r[2], r[5])) for r in rows
    }


def _stored(doc: Folded) -> tuple[str, str]:
    """The state as stored (one serialisation for both) and its digest."""
    text = dump_state(doc.kind, doc.state)
    return text, hashlib.sha256(text.encode()).hexdigest()


async def insert(conn: Connection, new: dict[DocKey, Folded]) -> None:
    """Bulk-load documents not stored yet (COPY: about twice as fast as an upsert)."""
    if not new:
        return
    records = [(*key, doc.seq, *_stored(doc)) for key, doc in new.items()]
    await conn.copy_records_to_table("docs", records=records, columns=_COLUMNS)


async def save(conn: Connection, changed: dict[DocKey, Folded]) -> None:
    """Upsert the changed stored documents in one statement."""
    if not changed:
        return
    stored = [_stored(doc) for doc in changed.values()]
    await conn.execute(
        _UPSERT,
        [k[0] for k in changed],
        [k[1] for k in changed],
        [k[2] for k in changed],
        [k[3] for k in changed],
        [doc.seq for doc in changed.values()],
        [text for text, _ in stored],
        [digest for _, digest in stored],
    )
