"""The development sign-in's list: one entry per portal user and role, from the diary's grants
(a UID with a parent's, a pupil's, a subject teacher's or a class teacher's access)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class PortalUser:
    """A UID in one role, and what their grants cover, in words (no name: the portal has none)."""

    uid: int
    role: str
    covers: str

    @property
    def key(self) -> str:
        """The sign-in form's value: `<role>:<uid>`."""
        return f"{self.role}:{self.uid}"


def _covers(grant: Mapping[str, Any]) -> str:
    if grant.get("pupil"):
        who = "родитель" if grant.get("relation") == "parent" else "ученик"
        return f"{who}, класс {grant.get('class_id') or '?'}"
    if grant.get("subject_id"):
        return f"учитель: {grant['subject_id']} в {grant.get('class_id')}"
    return f"классный руководитель {grant.get('class_id')}"


def portal_users(grants: Iterable[Mapping[str, Any]]) -> list[PortalUser]:
    """One entry per (UID, role) with everything their grants cover, ordered by UID."""
    covered: dict[tuple[int, str], list[str]] = {}
    for grant in grants:
        covered.setdefault((int(grant["uid"]), str(grant["role"])), []).append(_covers(grant))
    return [
        PortalUser(uid, role, "; ".join(sorted(set(parts))))
        for (uid, role), parts in sorted(covered.items())
    ]
