"""What a portal user is shown of themselves, and which portal users an operator may list.

A parent with two children tells them apart by the label they gave each child and by the
child's class («5А»), never by a name: the diary holds none. The profile is built from the
caller's live grants of the school year, so a revoked grant drops its child or class at once.
Pure: grants, memberships, class labels, subject names and the user's own data come in as
values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from services.diary.domain.access import PORTAL_ROLES, Caller, Grant, live_grants
from services.diary.domain.calendar import MemberRow, PeriodRow
from services.diary.domain.profile import Profile


@dataclass(frozen=True, slots=True)
class ChildView:
    """A pupil the user holds a parent's or the pupil's own grant for."""

    pupil: str
    relation: str
    label: str | None
    class_id: str | None
    class_label: str | None
    seen_up_to: int
    periods: tuple[PeriodRow, ...] = ()
    """The periods of the child's class (its grade's scheme)."""


@dataclass(frozen=True, slots=True)
class SubjectView:
    """A subject and its name in the school (None when the feed has not brought it)."""

    subject_id: str
    subject_name: str | None


@dataclass(frozen=True, slots=True)
class ClassView:
    """A class a teacher UID holds a grant for: one subject, or every one (`subject_id` None).

    `subjects` are the subjects the grant lets them read: its one subject, or for the class
    teacher every subject taught in the class."""

    class_id: str
    class_label: str | None
    subject_id: str | None
    subject_name: str | None
    subjects: tuple[SubjectView, ...] = ()
    periods: tuple[PeriodRow, ...] = ()
    """The periods of the class (its grade's scheme)."""


@dataclass(frozen=True, slots=True)
class ProfileView:
    """The caller, their portal roles and label, their children and their classes."""

    uid: int
    roles: tuple[str, ...]
    label: str | None
    children: tuple[ChildView, ...]
    classes: tuple[ClassView, ...]
    periods: tuple[PeriodRow, ...] = ()


@dataclass(frozen=True, slots=True)
class PortalUser:
    """One live grant of a portal user, as an operator lists it."""

    uid: int
    role: str
    class_id: str | None
    subject_id: str | None
    pupil: str | None
    relation: str | None


def class_of(memberships: Iterable[MemberRow], pupil: str, today: dt.date) -> str | None:
    """The pupil's class today, else the one they joined last (None without a membership)."""
    mine = sorted((m for m in memberships if m.pupil == pupil), key=lambda m: (m.since, m.class_id))
    current = [m for m in mine if m.on(today)]
    chosen = current or mine
    return chosen[-1].class_id if chosen else None


def own_children(caller: Caller, grants: Iterable[Grant]) -> dict[str, str]:
    """The pupils of the caller's live pupil grants in a relation their token holds (as
    `access.own_pupils`), each with that relation; the first grant wins for a pupil."""
    found: dict[str, str] = {}
    for grant in live_grants(caller, grants):
        if grant.scope_kind != "pupil" or grant.pupil is None or grant.relation is None:
            continue
        if grant.relation in caller.roles:
            found.setdefault(grant.pupil, grant.relation)
    return found


def profile_view(  # noqa: PLR0913 - everything a profile is made of, by keyword
    caller: Caller,
    *,
    grants: Iterable[Grant],
    memberships: Iterable[MemberRow],
    class_labels: Mapping[str, str],
    subject_names: Mapping[str, str],
    class_subjects: Mapping[str, Iterable[str]],
    periods: Iterable[PeriodRow],
    own: Profile,
    today: dt.date,
    periods_of: Mapping[str, tuple[PeriodRow, ...]] | None = None,
) -> ProfileView:
    """The caller's profile from their live grants (in grant order) and their own data;
    `class_subjects` are the subjects taught in each class (for the class teacher's grant);
    `periods` the year's own, `periods_of` those of each class whose grade has a scheme."""
    assert caller.uid is not None  # noqa: S101 - a portal caller, checked before
    grants = list(grants)
    memberships = list(memberships)
    periods = tuple(sorted(periods, key=lambda period: period.starts_on))
    schemes = periods_of or {}

    def of_class(class_id: str | None) -> tuple[PeriodRow, ...]:
        return schemes.get(class_id, periods) if class_id else periods

    children = []
    for pupil, relation in own_children(caller, grants).items():
        class_id = class_of(memberships, pupil, today)
        recorded = own.child(pupil)
        children.append(
            ChildView(
                pupil=pupil,
                relation=relation,
                label=recorded.label,
                class_id=class_id,
                class_label=class_labels.get(class_id) if class_id else None,
                seen_up_to=recorded.seen_up_to,
                periods=of_class(class_id),
            )
        )
    classes = {
        (g.class_id, g.subject_id): ClassView(
            class_id=g.class_id,
            class_label=class_labels.get(g.class_id),
            subject_id=g.subject_id,
            subject_name=subject_names.get(g.subject_id) if g.subject_id else None,
            subjects=tuple(
                SubjectView(subject, subject_names.get(subject))
                for subject in (
                    [g.subject_id]
                    if g.subject_id
                    else sorted(set(class_subjects.get(g.class_id, ())))
                )
            ),
            periods=of_class(g.class_id),
        )
        for g in live_grants(caller, grants)
        if "teacher" in caller.roles and g.scope_kind == "class" and g.class_id is not None
    }
    return ProfileView(
        uid=caller.uid,
        roles=tuple(sorted(caller.roles & PORTAL_ROLES)),
        label=own.label,
        children=tuple(children),
        classes=tuple(classes[key] for key in sorted(classes, key=lambda k: (k[0], k[1] or ""))),
        periods=periods,
    )


def classes_of_grants(grants: Iterable[Grant]) -> frozenset[str]:
    """The classes the class grants name."""
    return frozenset(g.class_id for g in grants if g.scope_kind == "class" and g.class_id)


def portal_users(
    grants: Iterable[Grant], memberships: Iterable[MemberRow], today: dt.date
) -> list[PortalUser]:
    """One row per live grant: a teacher UID with the class (and subject) granted, a parent or
    pupil with the pupil and the pupil's class (today's, else the last one they joined)."""
    memberships = list(memberships)
    rows = []
    for g in grants:
        if g.revoked:
            continue
        if g.scope_kind == "class":
            rows.append(PortalUser(g.uid, "teacher", g.class_id, g.subject_id, None, None))
        elif g.pupil is not None and g.relation is not None:
            class_id = class_of(memberships, g.pupil, today)
            rows.append(PortalUser(g.uid, g.relation, class_id, None, g.pupil, g.relation))
    return sorted(
        rows,
        key=lambda u: (u.uid, u.role, u.class_id or "", u.subject_id or "", u.pupil or ""),
    )
