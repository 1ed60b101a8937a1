"""The diary's projection of the DIARY stream: staged records, verified batches, grants.

Records wait in `staged_records` until their batch's manifest comes. The manifest is checked
against what is staged (count, indexes 0..n-1, the school and year, the checksum over each
record's index, kind, id, seq and digest, the digest computed here from the validated record);
a batch that fails is rejected with its reason and leaves the current state alone. A batch that
passes is applied in SQL, set-based (one statement per table, whatever the batch size): a delta
upserts the records that are newer than what the diary holds; a full batch is authoritative for
its school year up to `to_seq`, so it also removes what it does not contain, and the drift it
corrected is counted. What changed for parents is recorded beside (`diary_changes`). The runner
holds the transaction and moves the checkpoint in it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import structlog

from contracts.diary import (
    AccessGranted,
    AccessRevoked,
    BatchManifest,
    ClassScope,
    Record,
    canonical_json,
)
from services.common.db import Connection
from services.common.projector import Projected
from services.diary.adapters.diary_changes import ChangeRecorder
from services.diary.adapters.diary_explode import explode, prepare_touched

logger = structlog.get_logger()

PROJECTION_NAME = "diary_v1"

_STAGE = (
    "INSERT INTO staged_records (batch_id, idx, school, year, kind, record_id, seq, digest, "
    "content) SELECT d.batch_id, d.idx, d.school, d.year, d.kind, d.record_id, d.seq, d.digest, "
    "d.content::jsonb FROM unnest($1::text[], $2::integer[], $3::text[], $4::integer[], "
    "$5::text[], $6::text[], $7::bigint[], $8::text[], $9::text[]) "
    "AS d(batch_id, idx, school, year, kind, record_id, seq, digest, content) "
    # A record of a batch already decided (a late duplicate) would stay staged forever.
    "WHERE NOT EXISTS (SELECT 1 FROM batches b WHERE b.batch_id = d.batch_id) "
    "ON CONFLICT (batch_id, idx) DO NOTHING"
)
_DECIDED = "SELECT 1 FROM batches WHERE batch_id = $1"
_STAGED = (
    "SELECT count(*) AS staged, min(idx) AS first, max(idx) AS last, "
    "count(*) FILTER (WHERE school <> $2 OR year <> $3) AS foreign "
    "FROM staged_records WHERE batch_id = $1"
)
# The contract's `checksum_line` for every staged record, hashed in index order.
_CHECKSUM = (
    "SELECT encode(sha256(convert_to(coalesce(string_agg("
    "idx::text || ':' || kind || ':' || record_id || ':' || seq::text || ':' || digest || E'\\n', "
    "'' ORDER BY idx), ''), 'UTF8')), 'hex') FROM staged_records WHERE batch_id = $1"
)
# The last record of each aggregate in the batch (a batch should hold one per aggregate).
_INCOMING = (
    "SELECT DISTINCT ON (kind, record_id) school, year, kind, record_id, seq, digest, content, "
    "batch_id FROM staged_records WHERE batch_id = $1 ORDER BY kind, record_id, seq DESC, idx DESC"
)
_UPSERT = (
    "WITH written AS (INSERT INTO records AS r (school, year, kind, record_id, seq, digest, "  # noqa: S608 - constant fragments
    f"content, batch_id) {_INCOMING} "
    "ON CONFLICT (school, year, kind, record_id) DO UPDATE SET seq = excluded.seq, "
    "digest = excluded.digest, content = excluded.content, batch_id = excluded.batch_id "
    "WHERE {newer} RETURNING kind, record_id) "
    "INSERT INTO diary_touched SELECT kind, record_id FROM written"
)
_UPSERT_DELTA = _UPSERT.format(newer="r.seq < excluded.seq")
# A full batch also repairs a record of the same seq whose content differs (drift).
_UPSERT_FULL = _UPSERT.format(
    newer="r.seq < excluded.seq OR (r.seq = excluded.seq AND r.digest <> excluded.digest)"
)
_DRIFT = (
    "SELECT count(*) FILTER (WHERE r.record_id IS NULL) AS missing, "  # noqa: S608 - constant fragments
    "count(*) FILTER (WHERE r.digest <> i.digest) AS different, "
    "count(*) FILTER (WHERE r.digest = i.digest) AS same "
    f"FROM ({_INCOMING}) i LEFT JOIN records r ON r.school = $2 AND r.year = $3 "
    "AND r.kind = i.kind AND r.record_id = i.record_id"
)
_REMOVE_EXTRA = (
    "WITH gone AS (DELETE FROM records r WHERE r.school = $2 AND r.year = $3 AND r.seq <= $4 "
    "AND NOT EXISTS (SELECT 1 FROM staged_records s WHERE s.batch_id = $1 AND s.kind = r.kind "
    "AND s.record_id = r.record_id) RETURNING kind, record_id) "
    "INSERT INTO diary_touched SELECT kind, record_id FROM gone"
)
_UNSTAGE = "DELETE FROM staged_records WHERE batch_id = $1"
# Runs of one school year never overlap: once a later batch is decided, the records of a batch
# whose manifest never came (its run was killed) wait for nothing. An hour's grace keeps any
# doubt about "later" out of it.
_ABANDONED = (
    "DELETE FROM staged_records WHERE school = $1 AND year = $2 AND batch_id <> $3 "
    "AND staged_at < now() - interval '1 hour'"
)
_DECIDE = (
    "INSERT INTO batches (batch_id, school, year, kind, from_seq, to_seq, records, checksum, "
    "status, reason, cut_at, received_at, stream_seq, drift_missing, drift_extra, "
    "drift_different, drift_same) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
)
_GRANT = (
    "INSERT INTO grants (grant_id, school, year, uid, scope_kind, pupil, relation, class_id, "
    "subject_id, granted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
    # The same user and scope name the same grant: given again after a revocation (an
    # assignment restored, a link renewed) it is live again; a repeated live grant is a no-op.
    "ON CONFLICT (school, year, grant_id) DO UPDATE SET granted_at = excluded.granted_at, "
    "revoked_at = NULL, revoke_reason = NULL WHERE grants.revoked_at IS NOT NULL"
)
_REVOKE = (
    "UPDATE grants SET revoked_at = $2, revoke_reason = $3 "
    "WHERE grant_id = $1 AND uid = $4 AND school = $5 AND year = $6 AND revoked_at IS NULL"
)


@dataclass(frozen=True, slots=True)
class Drift:
    """What a full batch found different from the diary before applying it."""

    missing: int = 0
    extra: int = 0
    different: int = 0
    same: int = 0


class _Staging:
    """Records of one projector batch, collected so they are staged in one statement."""

    def __init__(self) -> None:
        self.columns: tuple[list[object], ...] = tuple([] for _ in range(9))

    def add(self, item: Projected, record: Record) -> None:
        content = canonical_json(record.content())
        # The same bytes `record_digest` hashes: computed once, from the validated record.
        digest = hashlib.sha256(content).hexdigest()
        envelope = item.stored.envelope
        row = (
            record.batch_id,
            record.index,
            envelope.school,
            envelope.year,
            record.record_kind,
            record.record_id,
            record.seq,
            digest,
            content.decode(),
        )
        for column, value in zip(self.columns, row, strict=True):
            column.append(value)

    async def flush(self, conn: Connection) -> None:
        if self.columns[0]:
            await conn.execute(_STAGE, *self.columns)
            for column in self.columns:
                column.clear()


class DiaryProjection:
    """The `Projection` of the DIARY stream into the diary's schema."""

    @property
    def name(self) -> str:
        """Checkpoint key and durable consumer name."""
        return PROJECTION_NAME

    async def apply(self, conn: Connection, batch: Sequence[Projected]) -> None:
        """Stage records, decide batches on their manifests, apply grants; in stream order."""
        staging = _Staging()
        for item in batch:
            event = item.event
            if isinstance(event, Record):
                staging.add(item, event)
                continue
            await staging.flush(conn)  # what comes next may need the records before it
            if isinstance(event, BatchManifest):
                await _close_batch(conn, item, event)
            elif isinstance(event, AccessGranted):
                await _grant(conn, item, event)
            elif isinstance(event, AccessRevoked):
                await conn.execute(
                    _REVOKE,
                    event.grant_id,
                    item.stored.envelope.occurred_at,
                    event.reason,
                    event.uid,
                    item.stored.envelope.school,
                    item.stored.envelope.year,
                )
        await staging.flush(conn)


async def _grant(conn: Connection, item: Projected, event: AccessGranted) -> None:
    envelope = item.stored.envelope
    scope = event.scope
    if isinstance(scope, ClassScope):
        pupil: str | None = None
        relation: str | None = None
        class_id: str | None = scope.class_id
        subject_id = scope.subject_id
    else:
        pupil, relation = scope.pupil, scope.relation
        class_id = subject_id = None
    await conn.execute(
        _GRANT,
        event.grant_id,
        envelope.school,
        envelope.year,
        event.uid,
        scope.kind,
        pupil,
        relation,
        class_id,
        subject_id,
        envelope.occurred_at,
    )


async def _close_batch(conn: Connection, item: Projected, manifest: BatchManifest) -> None:
    """Apply the batch `manifest` closes, or reject it; a decided batch is never redone."""
    if await conn.fetchval(_DECIDED, manifest.batch_id):
        return
    envelope = item.stored.envelope
    school, year = envelope.school, envelope.year
    reason = await _verify(conn, manifest, school, year)
    drift: Drift | None = None
    if reason is None:
        drift = await _apply_batch(conn, manifest, school, year, item.stored.seq)
    await conn.execute(_UNSTAGE, manifest.batch_id)
    abandoned = _count(await conn.execute(_ABANDONED, school, year, manifest.batch_id))
    if abandoned:
        logger.info("diary.abandoned_records_removed", records=abandoned, school=school)
    await conn.execute(
        _DECIDE,
        manifest.batch_id,
        school,
        year,
        manifest.kind,
        manifest.from_seq,
        manifest.to_seq,
        manifest.records,
        manifest.checksum,
        "rejected" if reason else "applied",
        reason,
        manifest.cut_at,
        item.stored.recorded_at,
        item.stored.seq,
        *((drift.missing, drift.extra, drift.different, drift.same) if drift else (None,) * 4),
    )
    log = {"batch_id": manifest.batch_id, "school": school, "year": year, "kind": manifest.kind}
    if reason is not None:
        logger.warning("diary.batch_rejected", reason=reason, records=manifest.records, **log)
    elif drift is not None and manifest.kind == "full":
        logger.info(
            "diary.batch_applied",
            records=manifest.records,
            drift_missing=drift.missing,
            drift_extra=drift.extra,
            drift_different=drift.different,
            drift_same=drift.same,
            **log,
        )
    else:
        logger.info("diary.batch_applied", records=manifest.records, **log)


async def _verify(conn: Connection, manifest: BatchManifest, school: str, year: int) -> str | None:
    """Why the staged records are not exactly the batch the manifest describes, or None."""
    row = await conn.fetchrow(_STAGED, manifest.batch_id, school, year)
    staged = int(row["staged"]) if row else 0
    expected = manifest.records
    if staged != expected:
        return f"missing_records: expected {expected}, staged {staged}"
    if staged and row and (row["first"] != 0 or row["last"] != expected - 1):
        return f"wrong_indexes: expected 0..{expected - 1}, staged {row['first']}..{row['last']}"
    if row and row["foreign"]:
        return f"foreign_records: {row['foreign']} records of another school or year"
    checksum = await conn.fetchval(_CHECKSUM, manifest.batch_id)
    if checksum != manifest.checksum:
        return "checksum_mismatch"
    return None


async def _apply_batch(
    conn: Connection, manifest: BatchManifest, school: str, year: int, stream_seq: int
) -> Drift | None:
    """Bring the current records and their read rows up to the batch (verified already)."""
    await prepare_touched(conn)
    news = await ChangeRecorder.start(conn, school, year, stream_seq, manifest.cut_at)
    batch_id = manifest.batch_id
    drift: Drift | None = None
    if manifest.kind == "full":
        found = await conn.fetchrow(_DRIFT, batch_id, school, year)
        removed = await conn.execute(_REMOVE_EXTRA, batch_id, school, year, manifest.to_seq)
        drift = Drift(
            missing=int(found["missing"]) if found else 0,
            extra=_count(removed),
            different=int(found["different"]) if found else 0,
            same=int(found["same"]) if found else 0,
        )
        written = await conn.execute(_UPSERT_FULL, batch_id)
    else:
        written = await conn.execute(_UPSERT_DELTA, batch_id)
    touched = _count(written) + (drift.extra if drift else 0)
    await news.snapshot(conn, touched)
    await explode(conn, school, year, touched)
    await news.record(conn, touched)
    return drift


def _count(status: str) -> int:
    """The row count of a command status such as `INSERT 0 12`."""
    return int(status.rsplit(" ", 1)[-1])
