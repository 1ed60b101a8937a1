"""The access history of a pupil's diary: portal links and the staff UIDs that saw the marks."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from services.common.clock import Clock
from services.enrollment.application.ports import Deps
from services.enrollment.application.views import (
    ApplicationView,
    DepartureView,
    DutyRow,
    StaffUidView,
    StayRow,
    View,
)
from services.enrollment.domain import errors
from services.enrollment.domain.access import (
    ClassStay,
    Duty,
    Span,
    StaffAccess,
    UidHolding,
    on_day,
    staff_access,
)


class LinkAccess(View):
    """A parent's or the pupil's own portal UID linked to the diary, from approval to its end."""

    application_id: str
    uid: int
    relation: str
    applicant_name: str
    kinship: str | None
    date_from: dt.datetime = Field(serialization_alias="from")
    date_to: dt.datetime | None = Field(serialization_alias="to")
    granted_by: str | None
    ended_by: str | None
    end_requested_by: str | None
    end_reason: str | None
    live: bool


class StaffAccessOut(View):
    """A staff UID that could see the pupil's marks in a class (one subject, or all)."""

    staff_id: str
    full_name: str | None
    uid: int
    year: int
    class_id: str
    class_label: str | None
    subject_id: str | None
    via: str
    date_from: dt.date = Field(serialization_alias="from")
    date_to: dt.date | None = Field(serialization_alias="to")


class AccessHistory(View):
    """Who could read the pupil's diary (on one day, when `on` is given)."""

    pupil_id: str
    on: dt.date | None
    departure: DepartureView | None
    links: list[LinkAccess]
    staff: list[StaffAccessOut]


async def access_history(
    deps: Deps, school: str, pupil_id: str, on: dt.date | None
) -> AccessHistory:
    """Every live-or-past link and every staff UID's access through the roster (read models)."""
    if await deps.roster.pupil(school, pupil_id) is None:
        raise errors.UnknownPupil(f"no pupil {pupil_id!r} in the roster")
    links = [
        _link(view)
        for view in await deps.reads.applications(school, pupil_id=pupil_id)
        if view.linked_from is not None
    ]
    links = [link for link in links if on is None or _link_span(link, deps.clock).covers(on)]
    links.sort(key=lambda link: link.date_from)
    stays = await deps.roster.stays(school, pupil_id)
    duties = await deps.roster.duties(school, {(s.year, s.class_id) for s in stays})
    holdings = await deps.reads.staff_uids(school, {d.staff_id for d in duties})
    found = on_day(
        staff_access(
            [_stay(s) for s in stays],
            [_duty(d, deps.clock) for d in duties],
            [_holding(h, deps.clock) for h in holdings],
        ),
        on,
    )
    return AccessHistory(
        pupil_id=pupil_id,
        on=on,
        departure=await deps.reads.departure(school, pupil_id),
        links=links,
        staff=await _named(deps, school, found, stays),
    )


def _link(view: ApplicationView) -> LinkAccess:
    if view.linked_from is None:  # pragma: no cover - the caller keeps approved ones only
        raise ValueError(f"{view.application_id} was never approved")
    return LinkAccess(
        application_id=view.application_id,
        uid=view.uid,
        relation=view.relation,
        applicant_name=view.applicant_name,
        kinship=view.kinship,
        date_from=view.linked_from,
        date_to=view.linked_to,
        granted_by=view.decided_by,
        ended_by=view.ended_by,
        end_requested_by=view.end_requested_by,
        end_reason=view.end_reason,
        live=view.linked_to is None,
    )


def _link_span(link: LinkAccess, clock: Clock) -> Span:
    end = None if link.date_to is None else clock.local_date(link.date_to)
    return Span(clock.local_date(link.date_from), end)


def _stay(row: StayRow) -> ClassStay:
    return ClassStay(row.year, row.class_id, Span(row.since, row.last_day))


def _duty(row: DutyRow, clock: Clock) -> Duty:
    end = None if row.to_at is None else clock.local_date(row.to_at)
    span = Span(clock.local_date(row.from_at), end)
    return Duty(row.year, row.class_id, row.staff_id, row.subject_id, span)


def _holding(row: StaffUidView, clock: Clock) -> UidHolding:
    end = None if row.ended_at is None else clock.local_date(row.ended_at)
    return UidHolding(row.staff_id, row.uid, Span(clock.local_date(row.recorded_at), end))


async def _named(
    deps: Deps, school: str, found: list[StaffAccess], stays: list[StayRow]
) -> list[StaffAccessOut]:
    names = {
        s.staff_id: s.full_name
        for s in await deps.roster.staff(school, {a.staff_id for a in found})
    }
    labels = {(s.year, s.class_id): s.class_label for s in stays}
    return [
        StaffAccessOut(
            staff_id=a.staff_id,
            full_name=names.get(a.staff_id),
            uid=a.uid,
            year=a.year,
            class_id=a.class_id,
            class_label=labels.get((a.year, a.class_id)),
            subject_id=a.subject_id,
            via=a.via,
            date_from=a.span.start,
            date_to=a.span.end,
        )
        for a in found
    ]
