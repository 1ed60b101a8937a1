"""Who may read what on the portal (DESIGN.md §6), decided from the caller and their grants.

A parent sees only the pupils a live parent grant names; a pupil only themselves; a teacher UID
the subjects their class grants name (a grant without a subject: every subject of the class, the
class teacher's). Pure: the caller and the grants come in as values.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Literal

PORTAL_ROLES = frozenset({"parent", "pupil", "teacher"})
OPERATOR_ROLES = frozenset({"admin", "system"})


class Denied(Exception):
    """A refusal: `reason` is machine-readable (`no_grant`, `wrong_school`, ...)."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Caller:
    """The verified caller: roles, the school of the token and the portal UID if any."""

    roles: frozenset[str]
    school: str
    uid: int | None = None


@dataclass(frozen=True, slots=True)
class Grant:
    """One access grant as the diary holds it (`revoked` once an AccessRevoked came)."""

    grant_id: str
    uid: int
    scope_kind: Literal["pupil", "class"]
    pupil: str | None = None
    relation: Literal["parent", "pupil"] | None = None
    class_id: str | None = None
    subject_id: str | None = None
    revoked: bool = False


@dataclass(frozen=True, slots=True)
class Visibility:
    """What of a pupil's or a class's lessons a caller may see."""

    everything: bool = False
    whole_classes: frozenset[str] = field(default_factory=frozenset)
    class_subjects: frozenset[tuple[str, str]] = field(default_factory=frozenset)

    def sees(self, class_id: str, subject_id: str) -> bool:
        """True when a lesson of `subject_id` in `class_id` is visible."""
        return (
            self.everything
            or class_id in self.whole_classes
            or (class_id, subject_id) in self.class_subjects
        )

    @property
    def empty(self) -> bool:
        """Nothing at all is visible."""
        return not (self.everything or self.whole_classes or self.class_subjects)


def check_school(caller: Caller, school: str) -> None:
    """A token of one school never reads another's diary."""
    if caller.school != school:
        raise Denied("wrong_school", f"the token is for school {caller.school!r}")


def check_portal_caller(caller: Caller, school: str) -> None:
    """The caller holds a portal role, has a UID and belongs to `school`."""
    check_school(caller, school)
    if caller.roles.isdisjoint(PORTAL_ROLES):
        raise Denied("wrong_role", f"this needs one of the roles {sorted(PORTAL_ROLES)}")
    if caller.uid is None:
        raise Denied("no_uid", "the token carries no portal UID")


def check_operator(caller: Caller, school: str) -> None:
    """Operator views: admin or system of the school."""
    check_school(caller, school)
    if caller.roles.isdisjoint(OPERATOR_ROLES):
        raise Denied("wrong_role", f"this needs one of the roles {sorted(OPERATOR_ROLES)}")


def live_grants(caller: Caller, grants: Iterable[Grant]) -> list[Grant]:
    """The caller's own grants that are not revoked."""
    return [g for g in grants if g.uid == caller.uid and not g.revoked]


def own_pupils(caller: Caller, grants: Iterable[Grant]) -> frozenset[str]:
    """Pupils whose whole diary the caller sees: as their parent, or as the pupil."""
    return frozenset(
        g.pupil
        for g in live_grants(caller, grants)
        if g.scope_kind == "pupil"
        and g.pupil is not None
        and g.relation is not None
        and g.relation in caller.roles
    )


def class_visibility(
    caller: Caller, grants: Iterable[Grant], classes: Collection[str]
) -> Visibility:
    """The subjects of `classes` a teacher UID's class grants cover (empty for other roles)."""
    if "teacher" not in caller.roles:
        return Visibility()
    whole: set[str] = set()
    pairs: set[tuple[str, str]] = set()
    for grant in live_grants(caller, grants):
        if grant.scope_kind != "class" or grant.class_id is None:
            continue
        if grant.class_id not in classes:
            continue
        if grant.subject_id is None:
            whole.add(grant.class_id)
        else:
            pairs.add((grant.class_id, grant.subject_id))
    return Visibility(whole_classes=frozenset(whole), class_subjects=frozenset(pairs))


def pupil_visibility(
    caller: Caller, grants: Iterable[Grant], pupil: str, pupil_classes: Collection[str]
) -> Visibility:
    """What the caller sees of `pupil`, who belonged to `pupil_classes`; `Denied` if nothing."""
    grants = list(grants)
    if pupil in own_pupils(caller, grants):
        return Visibility(everything=True)
    visibility = class_visibility(caller, grants, pupil_classes)
    if visibility.empty:
        raise Denied("no_grant", "you have no live grant for this pupil")
    return visibility


def class_access(caller: Caller, grants: Iterable[Grant], class_id: str) -> Visibility:
    """What a teacher UID sees of a class; `Denied` unless a live class grant names it."""
    if "teacher" not in caller.roles:
        raise Denied("wrong_role", "class views are for teachers")
    visibility = class_visibility(caller, grants, {class_id})
    if visibility.empty:
        raise Denied("no_grant", "you have no live grant for this class")
    return visibility


def check_subject(visibility: Visibility, class_id: str, subject_id: str) -> None:
    """`Denied` unless the subject of the class is visible."""
    if not visibility.sees(class_id, subject_id):
        raise Denied("no_grant", "you have no live grant for this subject")
