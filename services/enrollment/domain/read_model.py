"""The enrollment read model as a pure fold: rows in, events folded in stream order, rows out.

`touched(facts)` names the rows a batch needs; `project(rows, facts)` folds the batch. The
adapter (`services.enrollment.adapters.enrollment_projection`) loads and writes the rows.
An approved application is also a link, live from `linked_from` until `linked_to`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from contracts.base import Event
from contracts.enrollment import (
    ApplicationApproved,
    ApplicationRejected,
    ApplicationSubmitted,
    LinkWithdrawn,
    PassportChecked,
    PupilDeparted,
    StaffUidRecorded,
    StaffUidRevoked,
)

REPLACED = "replaced by a new UID"
"""The end reason of a staff UID that a newly recorded one replaced."""
Key = tuple[str, str]
"""(school, id): an application id, a pupil id or a staff id."""


@dataclass(frozen=True, slots=True)
class Fact:
    """An event with what the read model keeps of its envelope; `aggregate_id` is the pupil
    or staff id of its subject."""

    seq: int
    school: str
    aggregate_id: str
    at: dt.datetime
    actor: str
    event: Event


@dataclass(frozen=True, slots=True)
class ApplicationRow:
    """One application (the columns of the `applications` table, in order)."""

    school: str
    application_id: str
    pupil_id: str
    uid: int
    relation: str
    applicant_name: str
    kinship: str | None
    contact: str | None
    status: str
    submitted_at: dt.datetime
    submitted_by: str
    checked_at: dt.datetime | None = None
    checked_by: str | None = None
    check_recorded_by: str | None = None
    decided_at: dt.datetime | None = None
    decided_by: str | None = None
    rejection_reason: str | None = None
    linked_from: dt.datetime | None = None
    linked_to: dt.datetime | None = None
    ended_by: str | None = None
    end_requested_by: str | None = None
    end_reason: str | None = None
    last_seq: int = 0


@dataclass(frozen=True, slots=True)
class DepartureRow:
    """A pupil's departure (the `departures` table)."""

    school: str
    pupil_id: str
    last_day: dt.date
    reason: str
    recorded_at: dt.datetime
    recorded_by: str


@dataclass(frozen=True, slots=True)
class StaffUidRow:
    """A UID a member of staff held (the `staff_uids` table), keyed by its recording's seq."""

    seq: int
    school: str
    staff_id: str
    uid: int
    recorded_at: dt.datetime
    recorded_by: str
    ended_at: dt.datetime | None = None
    ended_by: str | None = None
    end_reason: str | None = None


@dataclass(frozen=True, slots=True)
class Rows:
    """The rows a batch reads and writes. `staff_uids` holds (at least) the live UIDs of the
    staff the batch touches."""

    applications: Mapping[Key, ApplicationRow] = field(default_factory=dict)
    departures: Mapping[Key, DepartureRow] = field(default_factory=dict)
    staff_uids: Mapping[int, StaffUidRow] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Touched:
    """The keys of the rows a batch needs loaded."""

    applications: frozenset[Key]
    staff: frozenset[Key]


def touched(facts: Iterable[Fact]) -> Touched:
    """The applications and staff members the facts are about."""
    applications: set[Key] = set()
    staff: set[Key] = set()
    for fact in facts:
        match fact.event:
            case PupilDeparted(ended=ended):
                applications.update((fact.school, a) for a in ended)
            case StaffUidRecorded() | StaffUidRevoked():
                staff.add((fact.school, fact.aggregate_id))
            case _:
                application_id = getattr(fact.event, "application_id", None)
                if isinstance(application_id, str):
                    applications.add((fact.school, application_id))
    return Touched(frozenset(applications), frozenset(staff))


def project(rows: Rows, facts: Iterable[Fact]) -> Rows:
    """Fold the facts, in stream order, into the rows."""
    for fact in facts:
        rows = apply(rows, fact)
    return rows


def apply(rows: Rows, fact: Fact) -> Rows:
    """The rows after one fact; a fact already folded (by its seq) changes nothing."""
    match fact.event:
        case ApplicationSubmitted() as e:
            key = (fact.school, e.application_id)
            if key in rows.applications:
                return rows
            row = ApplicationRow(
                fact.school, e.application_id, fact.aggregate_id, e.uid, e.relation,
                e.applicant_name, e.kinship, e.contact, "submitted", fact.at, fact.actor,
                last_seq=fact.seq,
            )  # fmt: skip
            return replace(rows, applications={**rows.applications, key: row})
        case PupilDeparted() as e:
            rows = _link_end(rows, fact, e.ended, "ended", "departure", e.reason)
            departure = DepartureRow(
                fact.school, fact.aggregate_id, e.last_day, e.reason, fact.at, fact.actor
            )
            key = (fact.school, fact.aggregate_id)
            return replace(rows, departures={key: departure, **rows.departures})
        case StaffUidRecorded() | StaffUidRevoked():
            return _staff_uid(rows, fact)
        case _:
            return _application_step(rows, fact)


def _application_step(rows: Rows, fact: Fact) -> Rows:
    """A step of one application after its submission."""
    at, actor = fact.at, fact.actor
    match fact.event:
        case PassportChecked() as e:
            changes = {
                "status": "checked",
                "checked_at": at,
                "checked_by": e.checked_by,
                "check_recorded_by": actor,
            }
            return _update(rows, fact, e.application_id, changes)
        case ApplicationApproved() as e:
            changes = {"status": "approved", "decided_at": at, "decided_by": actor}
            return _update(rows, fact, e.application_id, {**changes, "linked_from": at})
        case ApplicationRejected() as e:
            changes = {"status": "rejected", "decided_at": at, "decided_by": actor}
            return _update(rows, fact, e.application_id, {**changes, "rejection_reason": e.reason})
        case LinkWithdrawn() as e:
            ids = (e.application_id,)
            return _link_end(rows, fact, ids, "withdrawn", e.requested_by, e.reason)
        case _:
            return rows


def _link_end(
    rows: Rows, fact: Fact, ids: Iterable[str], status: str, requested_by: str, reason: str
) -> Rows:
    changes = {
        "status": status,
        "linked_to": fact.at,
        "ended_by": fact.actor,
        "end_requested_by": requested_by,
        "end_reason": reason,
    }
    for application_id in ids:
        rows = _update(rows, fact, application_id, changes)
    return rows


def _update(rows: Rows, fact: Fact, application_id: str, changes: dict[str, object]) -> Rows:
    key = (fact.school, application_id)
    row = rows.applications.get(key)
    if row is None or row.last_seq >= fact.seq:  # unknown, or folded already
        return rows
    updated = replace(row, **changes, last_seq=fact.seq)  # type: ignore[arg-type]
    return replace(rows, applications={**rows.applications, key: updated})


def _staff_uid(rows: Rows, fact: Fact) -> Rows:
    """A recorded UID ends the member's previous one and starts a new interval; a revoked
    UID ends it."""
    if fact.seq in rows.staff_uids:
        return rows
    uids = dict(rows.staff_uids)
    is_new = isinstance(fact.event, StaffUidRecorded)
    reason = REPLACED if is_new else getattr(fact.event, "reason", "")
    for seq, row in rows.staff_uids.items():
        live = row.ended_at is None and seq < fact.seq
        if live and (row.school, row.staff_id) == (fact.school, fact.aggregate_id):
            uids[seq] = replace(row, ended_at=fact.at, ended_by=fact.actor, end_reason=reason)
    if isinstance(fact.event, StaffUidRecorded):
        uids[fact.seq] = StaffUidRow(
            fact.seq, fact.school, fact.aggregate_id, fact.event.uid, fact.at, fact.actor
        )
    return replace(rows, staff_uids=uids)
