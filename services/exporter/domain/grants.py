"""Access grants of portal users: which grants a school year should have, and the changes that
bring the published grants there.

The desired grants follow from the enrollment (live links and staff UIDs) and the journal (the
classes of the year, as the export state's class documents hold them):

- a live link to a pupil who is currently a member of a class of the year: the pupil's diary
  (`PupilScope` of the pupil's pseudonym, as parent or as the pupil);
- a live staff UID: each subject the member of staff teaches in a class of the year, to the
  class or to one of its groups (`ClassScope(class, subject)`), and every subject of the classes
  they are the class teacher of (`ClassScope(class, None)`).

Pure: pseudonyms come in as a function, ids and the clock stay outside.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from contracts.diary import AccessGranted, AccessRevoked, ClassScope, PupilScope, canonical_json
from contracts.enrollment import Relation
from services.exporter.domain.access import LinkEnd

Scope = PupilScope | ClassScope
Pseudonym = Callable[[str], str]
Change = AccessGranted | AccessRevoked


def grant_id(uid: int, scope: Scope) -> str:
    """The same user and scope always name the same grant (so a revoke finds it)."""
    key = canonical_json({"uid": uid, "scope": scope.model_dump(mode="json")})
    return "g" + hashlib.sha256(key).hexdigest()[:24]


@dataclass(frozen=True, slots=True)
class Link:
    """A portal user linked to a pupil (`ended`: how the link ended; None while it is live)."""

    pupil_id: str
    uid: int
    relation: Relation
    ended: LinkEnd | None = None


@dataclass(frozen=True, slots=True)
class StaffLink:
    """A member of staff's live portal UID."""

    staff_id: str
    uid: int


@dataclass(frozen=True, slots=True)
class ClassView:
    """What of a class document decides grants: its class teacher, current members (by
    pseudonym) and the (teacher, subject) pairs of its teaching assignments."""

    class_id: str
    class_teacher_id: str
    members: frozenset[str] = frozenset()
    teaching: frozenset[tuple[str, str]] = frozenset()

    @classmethod
    def of(cls, content: Mapping[str, Any]) -> ClassView:
        """The view of a class document (`fold_class` content); group assignments count as
        their subject, and a member who left (`last_day` set) is no longer one."""
        return cls(
            class_id=content["class_id"],
            class_teacher_id=content["class_teacher_id"],
            members=frozenset(m["pupil"] for m in content["members"] if m["last_day"] is None),
            teaching=frozenset((t["teacher_id"], t["subject_id"]) for t in content["teaching"]),
        )


@dataclass(frozen=True, slots=True)
class Facts:
    """Everything the grants of one school year follow from."""

    pseudonym: Pseudonym
    classes: tuple[ClassView, ...] = ()
    links: tuple[Link, ...] = ()
    staff: tuple[StaffLink, ...] = ()


@dataclass(frozen=True, slots=True)
class Published:
    """A grant as the exporter last published it."""

    grant_id: str
    uid: int
    scope: Scope
    live: bool


def desired(facts: Facts) -> dict[str, AccessGranted]:
    """The grants the school year should have, by grant id."""
    wanted: list[tuple[int, Scope]] = []
    members = {pupil for view in facts.classes for pupil in view.members}
    for link in facts.links:
        pupil = facts.pseudonym(link.pupil_id)
        if link.ended is None and pupil in members:
            wanted.append((link.uid, PupilScope(pupil=pupil, relation=link.relation)))
    for staff in facts.staff:
        for view in facts.classes:
            wanted.extend(
                (staff.uid, ClassScope(class_id=view.class_id, subject_id=subject))
                for teacher, subject in view.teaching
                if teacher == staff.staff_id
            )
            if view.class_teacher_id == staff.staff_id:
                wanted.append((staff.uid, ClassScope(class_id=view.class_id)))
    return {
        gid: AccessGranted(grant_id=gid, uid=uid, scope=scope)
        for uid, scope in wanted
        for gid in (grant_id(uid, scope),)
    }


def plan(facts: Facts, published: Iterable[Published]) -> list[Change]:
    """The publications that turn `published` into the desired grants: revocations of live
    grants no longer desired (each with a reason), then grants not yet live, by grant id."""
    wanted = desired(facts)
    known = {grant.grant_id: grant for grant in published}
    reasons = _Reasons(facts)
    revoked: list[Change] = [
        AccessRevoked(grant_id=g.grant_id, uid=g.uid, reason=reasons.of(g))
        for g in sorted(known.values(), key=lambda g: g.grant_id)
        if g.live and g.grant_id not in wanted
    ]
    granted: list[Change] = [
        wanted[gid] for gid in sorted(wanted) if gid not in known or not known[gid].live
    ]
    return revoked + granted


class _Reasons:
    """Why a grant is no longer desired, as far as the facts tell (a reason token)."""

    def __init__(self, facts: Facts) -> None:
        self._live_links: set[tuple[str, int, str]] = set()
        self._ended_links: dict[tuple[str, int, str], LinkEnd] = {}
        for link in facts.links:
            key = (facts.pseudonym(link.pupil_id), link.uid, link.relation)
            if link.ended is None:
                self._live_links.add(key)
            else:
                self._ended_links[key] = link.ended
        self._staff = {staff.uid: staff.staff_id for staff in facts.staff}
        self._classes = {view.class_id: view for view in facts.classes}

    def of(self, grant: Published) -> str:
        """The reason token of the grant's revocation."""
        scope = grant.scope
        if isinstance(scope, PupilScope):
            return self._pupil(grant.uid, scope)
        staff_id = self._staff.get(grant.uid)
        if staff_id is None:
            return "uid-revoked"  # revoked, or replaced by another UID
        if scope.class_id not in self._classes:
            return "no-longer-granted"
        return "class-teacher-changed" if scope.subject_id is None else "assignment-ended"

    def _pupil(self, uid: int, scope: PupilScope) -> str:
        key = (scope.pupil, uid, scope.relation)
        if key in self._live_links:
            return "left-class"  # the link is live: the pupil is in no class of the year now
        if self._ended_links.get(key) == "departed":
            return "pupil-departed"
        return "link-ended"
