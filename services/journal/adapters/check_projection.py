"""The monthly checks' part of the journal view: the checks a batch touches are loaded, folded
(`services.journal.domain.projection.checks`) and the changed rows upserted, inside the
projector's transaction. Batches without check events cost nothing here."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from typing import Any

from contracts.journal import Finding
from kernel import Fact, RowKey
from services.common.db import Connection
from services.journal.adapters.row_sql import upsert_row_sql
from services.journal.domain.projection.checks import (
    CheckDoc,
    CheckRow,
    RemarkRow,
    check_keys,
    project_checks,
)

_CHECK_COLUMNS = CheckRow._fields
_REMARK_COLUMNS = RemarkRow._fields
_KEYS = "unnest($1::text[], $2::int4[], $3::text[]) AS k(school, year, check_id)"
_SELECT_CHECKS = (
    f"SELECT {', '.join(_CHECK_COLUMNS)} FROM checks JOIN {_KEYS} USING (school, year, check_id)"  # noqa: S608
)
_SELECT_REMARKS = (
    f"SELECT {', '.join(_REMARK_COLUMNS)} FROM remarks JOIN {_KEYS} USING (school, year, check_id)"  # noqa: S608
)


_UPSERT_CHECK = upsert_row_sql("checks", _CHECK_COLUMNS, ("school", "year", "check_id"))
_UPSERT_REMARK = upsert_row_sql(
    "remarks", _REMARK_COLUMNS, ("school", "year", "check_id", "remark_id")
)
_FINDINGS = _CHECK_COLUMNS.index("findings")


async def apply_checks(conn: Connection, facts: Sequence[Fact]) -> None:
    """Fold the batch's check events into the checks and remarks tables."""
    keys = check_keys(facts)
    if not keys:
        return
    before = await load_checks(conn, keys)
    after = project_checks(before, facts)
    checks: list[tuple[Any, ...]] = []
    remarks: list[tuple[Any, ...]] = []
    for key, doc in after.items():
        old = before.get(key)
        if old is not None and old == doc:
            continue
        if old is None or old.row != doc.row:
            checks.append(_encoded(doc.row))
        old_remarks = {} if old is None else old.remarks
        remarks.extend(r for rid, r in doc.remarks.items() if old_remarks.get(rid) != r)
    if checks:
        await conn.executemany(_UPSERT_CHECK, checks)
    if remarks:
        await conn.executemany(_UPSERT_REMARK, remarks)


async def load_checks(conn: Connection, keys: Collection[RowKey]) -> dict[RowKey, CheckDoc]:
    """The stored checks of the keys, with their remarks."""
    arrays = [list(column) for column in zip(*keys, strict=True)]
    rows = [_decoded(r) for r in await conn.fetch(_SELECT_CHECKS, *arrays)]
    remarks: dict[RowKey, dict[str, RemarkRow]] = {}
    for record in await conn.fetch(_SELECT_REMARKS, *arrays):
        remark = RemarkRow(*record.values())
        remarks.setdefault((remark.school, remark.year, remark.check_id), {})[remark.remark_id] = (
            remark
        )
    return {
        (row.school, row.year, row.check_id): CheckDoc(
            row, remarks.get((row.school, row.year, row.check_id), {})
        )
        for row in rows
    }


def _encoded(row: CheckRow) -> tuple[Any, ...]:
    values = list(row)
    values[_FINDINGS] = encode_findings(row.findings)
    return tuple(values)


def _decoded(record: Any) -> CheckRow:  # noqa: ANN401 - an asyncpg.Record
    values = list(record.values())
    values[_FINDINGS] = decode_findings(values[_FINDINGS])
    return CheckRow(*values)


def encode_findings(findings: Sequence[Finding]) -> str:
    """Findings as the jsonb column holds them."""
    return json.dumps([f.model_dump(mode="json") for f in findings], ensure_ascii=False)


def decode_findings(raw: str) -> tuple[Finding, ...]:
    """Findings from the jsonb column."""
    return tuple(Finding.model_validate(item) for item in json.loads(raw))
