"""Who could see a pupil's data, and when: the personal-data access report (pure).

Two kinds of access, as the e-diary gives it:

- parents and the pupil themselves, through an enrollment link: from the approval of their
  application until the link was withdrawn or the pupil departed;
- staff portal UIDs, through the exporter's class grants (`AccessGranted` with a `ClassScope`
  of a class the pupil belonged to) until revoked. Who granted it is the enrollment actor who
  recorded the staff member's UID; why is the scope (a subject taught, or every subject for
  the class teacher).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from services.audit.domain.log import LoggedEvent


@dataclass(frozen=True, slots=True)
class AccessPeriod:
    """One portal user's access to the pupil's data over one period (`until` None: still)."""

    who: str
    kind: str
    uid: int
    scope: str
    since: dt.datetime
    until: dt.datetime | None
    granted_by: str
    why: str
    ended_by: str = ""
    end_reason: str = ""

    def overlaps(self, start: dt.datetime | None, end: dt.datetime | None) -> bool:
        """Whether the period meets `[start, end)`."""
        begins_before_end = end is None or self.since < end
        ends_after_start = start is None or self.until is None or self.until > start
        return begins_before_end and ends_after_start


def _actor(event: LoggedEvent) -> str:
    return f"{event.actor_id} ({event.actor_role})"


def link_periods(events: Sequence[LoggedEvent]) -> list[AccessPeriod]:
    """Parents' and the pupil's access from the pupil's enrollment events (stream order)."""
    submitted: dict[str, Mapping[str, object]] = {}
    checked: dict[str, str] = {}
    open_: dict[str, tuple[LoggedEvent, Mapping[str, object]]] = {}
    periods: list[AccessPeriod] = []
    for event in events:
        data = event.data
        app = str(data.get("application_id", ""))
        match event.event_type:
            case "enrollment.ApplicationSubmitted":
                submitted[app] = data
            case "enrollment.PassportChecked":
                checked[app] = str(data.get("checked_by", ""))
            case "enrollment.ApplicationApproved":
                open_[app] = (event, submitted.get(app, data))
            case "enrollment.LinkWithdrawn":
                reason = f"{data.get('reason')} (по просьбе: {data.get('requested_by')})"
                periods.extend(_close(open_, [app], event, reason, checked))
            case "enrollment.PupilDeparted":
                ended = [str(a) for a in data.get("ended", ())]
                periods.extend(_close(open_, ended, event, str(data.get("reason")), checked))
    periods.extend(_close(open_, list(open_), None, "", checked))
    return sorted(periods, key=lambda p: (p.since, p.uid))


def _close(
    open_: dict[str, tuple[LoggedEvent, Mapping[str, object]]],
    applications: Iterable[str],
    end: LoggedEvent | None,
    reason: str,
    checked: Mapping[str, str],
) -> list[AccessPeriod]:
    closed: list[AccessPeriod] = []
    for app in applications:
        if app not in open_:
            continue
        approval, applied = open_.pop(app)
        relation = str(applied.get("relation", ""))
        kinship = applied.get("kinship")
        why = f"заявление {app}: {relation}" + (f", {kinship}" if kinship else "")
        if app in checked:
            why += f"; паспорт проверил {checked[app]}"
        closed.append(
            AccessPeriod(
                who=str(applied.get("applicant_name", "")),
                kind=relation,
                uid=int(str(applied.get("uid", 0))),
                scope="дневник ученика",
                since=approval.recorded_at,
                until=None if end is None else end.recorded_at,
                granted_by=_actor(approval),
                why=why,
                ended_by="" if end is None else _actor(end),
                end_reason=reason,
            )
        )
    return closed


@dataclass(frozen=True, slots=True)
class StaffUid:
    """Who a staff UID belongs to and who recorded it (the enrollment actor)."""

    staff_id: str
    recorded_by: str
    revoke_reason: str = ""


def staff_uids(events: Iterable[LoggedEvent]) -> dict[int, StaffUid]:
    """Staff UIDs from the enrollment's StaffUidRecorded/StaffUidRevoked events."""
    found: dict[int, StaffUid] = {}
    for event in events:
        uid = int(str(event.data.get("uid", 0)))
        if event.event_type == "enrollment.StaffUidRecorded":
            found[uid] = StaffUid(str(event.data.get("staff_id", "")), _actor(event))
        elif event.event_type == "enrollment.StaffUidRevoked" and uid in found:
            old = found[uid]
            found[uid] = StaffUid(old.staff_id, old.recorded_by, str(event.data.get("reason")))
    return found


def grant_periods(
    grants: Sequence[LoggedEvent],
    revocations: Sequence[LoggedEvent],
    uids: Mapping[int, StaffUid],
    staff_name: Mapping[str, str],
) -> list[AccessPeriod]:
    """Staff access from class grants and their revocations (each in stream order)."""
    revoked: dict[str, list[LoggedEvent]] = {}
    for event in revocations:
        revoked.setdefault(str(event.data.get("grant_id")), []).append(event)
    periods: list[AccessPeriod] = []
    for grant in grants:
        gid = str(grant.data.get("grant_id"))
        scope = grant.data.get("scope")
        scope = scope if isinstance(scope, Mapping) else {}
        uid = int(str(grant.data.get("uid", 0)))
        end = next((r for r in revoked.get(gid, ()) if r.seq > grant.seq), None)
        owner = uids.get(uid)
        staff = owner.staff_id if owner else ""
        subject = scope.get("subject_id")
        why = f"учитель предмета {subject}" if subject else "классный руководитель"
        name = staff_name.get(staff, "")
        periods.append(
            AccessPeriod(
                who=f"{staff} ({name})" if name else staff or f"UID {uid}",
                kind="staff",
                uid=uid,
                scope=f"класс {scope.get('class_id')}, {subject or 'все предметы'}",
                since=grant.recorded_at,
                until=None if end is None else end.recorded_at,
                granted_by=owner.recorded_by if owner else "",
                why=why,
                ended_by="" if end is None else _actor(end),
                end_reason=_end_reason(end, owner),
            )
        )
    return sorted(periods, key=lambda p: (p.since, p.uid))


def _end_reason(end: LoggedEvent | None, owner: StaffUid | None) -> str:
    if end is None:
        return ""
    reason = str(end.data.get("reason", ""))
    if owner and owner.revoke_reason:
        reason += f" (UID отозван: {owner.revoke_reason})"
    return reason
