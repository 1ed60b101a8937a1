"""History rules of the portal's access grants (DIARY), and what in the enrollment caused them.

Fields: `grant/<grant_id>/<field>` (uid, scope, status). A revocation's reason token is its why.
The exporter grants and revokes on its own (actor `system`); the enrollment event that caused a
change is the latest one about the same UID recorded before it that can have that effect: an
approval or a staff UID recorded for a grant, a withdrawal, a departure or a staff UID revoked
for a revocation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from contracts.diary import AccessGranted, AccessRevoked, ClassScope
from services.audit.domain.decoding import decoded
from services.audit.domain.history import Assignment, Effect, Entry, FieldKey
from services.audit.domain.log import LoggedEvent

State = Mapping[FieldKey, str | None]

GRANTING = frozenset({"enrollment.ApplicationApproved", "enrollment.StaffUidRecorded"})
REVOKING = frozenset(
    {"enrollment.LinkWithdrawn", "enrollment.PupilDeparted", "enrollment.StaffUidRevoked"}
)


def grant_field(grant_id: str, name: str) -> FieldKey:
    """A field of one grant."""
    return FieldKey("grant", grant_id, name)


def describe_scope(scope: object) -> str:
    """A grant's scope in words (pupils by pseudonym only: the diary knows no names)."""
    if isinstance(scope, ClassScope):
        subject = scope.subject_id or "all subjects"
        return f"class {scope.class_id}, {subject}"
    pupil = getattr(scope, "pupil", "?")
    relation = getattr(scope, "relation", "?")
    return f"pupil {pupil} as {relation}"


def grant_rules(event: LoggedEvent, _state: State) -> Effect:
    """The effect of one grant event."""
    model = decoded(event)
    match model:
        case AccessGranted():
            gid = model.grant_id
            return Effect(
                (
                    Assignment(grant_field(gid, "uid"), str(model.uid)),
                    Assignment(grant_field(gid, "scope"), describe_scope(model.scope)),
                    Assignment(grant_field(gid, "status"), "granted"),
                )
            )
        case AccessRevoked():
            status = Assignment(grant_field(model.grant_id, "status"), "revoked")
            return Effect((status,), (model.reason,))
        case _:
            return Effect()


def causes(entries: Iterable[Entry], enrollment: Sequence[LoggedEvent]) -> dict[int, LoggedEvent]:
    """For each grant entry (by DIARY seq), the enrollment event that caused it, if one is known.

    `enrollment` is every enrollment event about the grant's UID, in stream order.
    """
    found: dict[int, LoggedEvent] = {}
    for entry in entries:
        kinds = GRANTING if entry.event_type == AccessGranted.event_type else REVOKING
        before = [
            e for e in enrollment if e.event_type in kinds and e.recorded_at <= entry.recorded_at
        ]
        if before:
            found[entry.seq] = before[-1]
    return found


def about_uid(event: LoggedEvent, uid: int, applications: Iterable[str]) -> bool:
    """Whether an enrollment event concerns portal user `uid` (`applications`: theirs)."""
    if event.data.get("uid") == uid:
        return True
    ended = event.data.get("ended", ())
    return any(app in ended for app in applications)
