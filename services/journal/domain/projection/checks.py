"""Fold of the monthly checks: one row per check (with its findings at opening) and one per
remark, with the remark's recorded status and when each step happened.

Kept apart from `ViewState`: checks are few and touch no other row, so the adapter
(`services.journal.adapters.check_projection`) loads, folds and writes them on their own, in the
same transaction as the rest of the view.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Literal, NamedTuple, get_args

from contracts.base import Event
from contracts.journal import (
    CheckEvent,
    Finding,
    MonthlyCheckClosed,
    MonthlyCheckOpened,
    RemarkConfirmed,
    RemarkIssued,
    RemarkReopened,
    RemarkResolved,
)
from kernel.rows import Fact, RowKey

CHECK_EVENTS: frozenset[type[Event]] = frozenset(get_args(CheckEvent))
RemarkStatus = Literal["issued", "resolved", "confirmed", "reopened"]


class CheckRow(NamedTuple):
    """A monthly check as opened (findings as they stood then) and whether it is closed."""

    school: str
    year: int
    check_id: str
    month: str
    scope: str
    target_id: str | None
    findings: tuple[Finding, ...]
    opened_by: str
    opened_at: dt.datetime
    last_seq: int
    closed: bool = False
    closed_by: str | None = None
    closed_at: dt.datetime | None = None


class RemarkRow(NamedTuple):
    """A remark with its recorded status and the time of each step."""

    school: str
    year: int
    check_id: str
    remark_id: str
    teacher_id: str
    about: str
    text: str
    lesson_id: str | None
    class_id: str | None
    subject_id: str | None
    finding_id: str | None
    issued_by: str
    issued_at: dt.datetime
    last_seq: int
    status: RemarkStatus = "issued"
    resolved_at: dt.datetime | None = None
    resolve_note: str | None = None
    confirmed_at: dt.datetime | None = None
    reopened_at: dt.datetime | None = None
    reopen_reason: str | None = None


class CheckDoc(NamedTuple):
    """A check with its remarks by id."""

    row: CheckRow
    remarks: Mapping[str, RemarkRow]


def check_keys(facts: Iterable[Fact]) -> frozenset[RowKey]:
    """The checks a batch touches (the aggregate id of a check's subject is the check id)."""
    return frozenset(fact.key() for fact in facts if type(fact.event) in CHECK_EVENTS)


def project_checks(
    docs: Mapping[RowKey, CheckDoc], facts: Iterable[Fact]
) -> dict[RowKey, CheckDoc]:
    """The checks after folding the facts in stream order (other events are ignored)."""
    work = dict(docs)
    for fact in facts:
        if type(fact.event) in CHECK_EVENTS:
            doc = apply_check(work.get(fact.key()), fact)
            if doc is not None:
                work[fact.key()] = doc
    return work


def apply_check(doc: CheckDoc | None, fact: Fact) -> CheckDoc | None:
    """Fold one event of a check; a redelivered one (seq already folded) changes nothing."""
    event = fact.event
    at = fact.occurred_at or fact.recorded_at
    if doc is None:
        if not isinstance(event, MonthlyCheckOpened):
            return None
        row = CheckRow(
            fact.school, fact.year, fact.aggregate_id, event.month, event.scope,
            event.target_id, event.findings, fact.actor_id, at, fact.seq,
        )  # fmt: skip
        return CheckDoc(row, {})
    if fact.seq <= doc.row.last_seq:
        return doc
    row = doc.row._replace(last_seq=fact.seq)
    match event:
        case MonthlyCheckClosed():
            return CheckDoc(
                row._replace(closed=True, closed_by=fact.actor_id, closed_at=at), doc.remarks
            )
        case RemarkIssued():
            remark = RemarkRow(
                fact.school, fact.year, fact.aggregate_id, event.remark_id, event.teacher_id,
                event.about, event.text, event.lesson_id, event.class_id, event.subject_id,
                event.finding_id, fact.actor_id, at, fact.seq,
            )  # fmt: skip
            return CheckDoc(row, {**doc.remarks, remark.remark_id: remark})
        case _:
            return CheckDoc(row, _remark_step(doc.remarks, fact, at))


def _remark_step(
    remarks: Mapping[str, RemarkRow], fact: Fact, at: dt.datetime
) -> Mapping[str, RemarkRow]:
    event = fact.event
    remark = remarks.get(getattr(event, "remark_id", ""))
    if remark is None:
        return remarks
    match event:
        case RemarkResolved(note=note):
            new = remark._replace(status="resolved", resolved_at=at, resolve_note=note)
        case RemarkConfirmed():
            new = remark._replace(status="confirmed", confirmed_at=at)
        case RemarkReopened(reason=reason):
            new = remark._replace(status="reopened", reopened_at=at, reopen_reason=reason)
        case _:
            return remarks
    return {**remarks, remark.remark_id: new._replace(last_seq=fact.seq)}
