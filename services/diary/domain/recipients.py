"""Who a teacher may write to, and who still has access to a thread, decided from live grants.

Pure: grants and class members come in as values.

- A teacher UID starts a thread about a class they hold a live class grant for: a subject
  grant lets them write about that subject, a whole-class grant (the class teacher's) about
  any subject or none.
- The recipients are the pupils of that class (current members, by pseudonym) and/or the
  parents of those pupils: the UIDs holding a live pupil grant for them, as `pupil` or `parent`.
  They are resolved once, at the start, and recorded as the thread's participants.
- Later, a participant keeps access while the grant they were added through stays live: the
  teacher's class grant, a parent's or pupil's grant for one of the thread's pupils. Without
  it they keep what was sent to them before, but receive and post nothing more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from contracts.portal import Participant
from services.diary.domain import access
from services.diary.domain.access import Caller, Denied, Grant
from services.diary.domain.calendar import MemberRow
from services.diary.domain.thread import MessagingError

Audience = Literal["parents", "pupils", "both"]
_RELATIONS: Mapping[Audience, frozenset[str]] = {
    "parents": frozenset({"parent"}),
    "pupils": frozenset({"pupil"}),
    "both": frozenset({"parent", "pupil"}),
}


class NoRecipients(MessagingError):
    """Nobody to write to: none of the pupils addressed (or their parents) has a portal UID."""


@dataclass(frozen=True, slots=True)
class Addressed:
    """Whom a teacher addresses: some pupils of the class (None: all of them), and who of them."""

    pupils: frozenset[str] | None
    audience: Audience


def school_year_of(day: dt.date) -> int:
    """The school year (its first calendar year) a day belongs to; it turns on 1 September."""
    return day.year if day.month >= 9 else day.year - 1


def check_teacher(caller: Caller, school: str) -> int:
    """The UID of a teacher caller of the school; `Denied` for anyone else."""
    access.check_portal_caller(caller, school)
    if "teacher" not in caller.roles:
        raise Denied("wrong_role", "only a teacher starts a thread; parents and pupils reply")
    assert caller.uid is not None  # noqa: S101 - checked by check_portal_caller
    return caller.uid


def check_teaches(
    caller: Caller, grants: Iterable[Grant], class_id: str, subject_id: str | None
) -> None:
    """`Denied` unless the teacher's live class grants cover the class (and subject)."""
    visibility = access.class_visibility(caller, grants, {class_id})
    if class_id in visibility.whole_classes:
        return
    if subject_id is None:
        if visibility.empty:
            raise Denied("no_grant", f"you have no live grant for class {class_id!r}")
        raise Denied("subject_required", "name the subject you teach in this class")
    if not visibility.sees(class_id, subject_id):
        raise Denied("no_grant", f"you have no live grant for {subject_id!r} in {class_id!r}")


def addressed_pupils(
    members: Iterable[MemberRow], class_id: str, addressed: Addressed, today: dt.date
) -> frozenset[str]:
    """The pupils addressed, each a current member of the class; `Denied` for any other."""
    current = frozenset(m.pupil for m in members if m.class_id == class_id and m.on(today))
    if addressed.pupils is None:
        return current
    outside = addressed.pupils - current
    if outside:
        raise Denied("not_in_class", f"{len(outside)} of the pupils are not in {class_id!r}")
    return addressed.pupils


def recipients(
    pupils: Collection[str], grants: Iterable[Grant], audience: Audience, *, author: int
) -> tuple[Participant, ...]:
    """The UIDs holding a live pupil grant for the pupils, in the relations of `audience`.

    One participant per UID (a parent of two addressed pupils is there for both); the author is
    never their own recipient. `NoRecipients` when nobody is left.
    """
    wanted = _RELATIONS[audience]
    found: dict[int, tuple[str, set[str]]] = {}
    for grant in grants:
        if grant.revoked or grant.scope_kind != "pupil" or grant.uid == author:
            continue
        if grant.pupil is None or grant.pupil not in pupils or grant.relation not in wanted:
            continue
        role, of = found.setdefault(grant.uid, (grant.relation, set()))
        if grant.relation == role:  # a UID keeps the role it was found in first
            of.add(grant.pupil)
    if not found:
        raise NoRecipients(
            f"none of the {len(pupils)} pupils addressed has a {audience} portal UID"
        )
    return tuple(
        Participant(
            uid=uid, role="parent" if role == "parent" else "pupil", pupils=tuple(sorted(of))
        )
        for uid, (role, of) in sorted(found.items())
    )


def entitled(
    participant: Participant,
    grants: Iterable[Grant],
    class_id: str,
    subject_id: str | None,
) -> bool:
    """The participant still holds a live grant of the kind they were added through."""
    live = [g for g in grants if g.uid == participant.uid and not g.revoked]
    if participant.role == "teacher":
        return any(
            g.scope_kind == "class"
            and g.class_id == class_id
            and (g.subject_id is None or g.subject_id == subject_id)
            for g in live
        )
    return any(
        g.scope_kind == "pupil" and g.relation == participant.role and g.pupil in participant.pupils
        for g in live
    )


def entitled_uids(
    participants: Iterable[Participant],
    grants: Iterable[Grant],
    class_id: str,
    subject_id: str | None,
) -> frozenset[int]:
    """The participants who still have access to the thread."""
    grants = list(grants)
    return frozenset(p.uid for p in participants if entitled(p, grants, class_id, subject_id))
