"""«Мой класс», the diary access: for each pupil who can read their diary today. It is the
enrollment's answer per pupil (parents' and the pupil's own portal links, staff UIDs through
the class), grouped for reading.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from services.web.domain.admin import KINSHIP


@dataclass(frozen=True, slots=True)
class AccessLine:
    """A pupil and who can read their diary today."""

    pupil_id: str
    name: str
    parents: tuple[str, ...]  # «Ильина Елена Сергеевна (мать), UID 100001»
    own: tuple[str, ...]  # the pupil's own UIDs
    staff: tuple[str, ...]  # «Федотова Нина Сергеевна (UID 200002): классный руководитель»
    departed: bool
    unknown: bool  # the enrollment does not know the pupil (yet)


def access_lines(
    pupils: Sequence[tuple[str, str]],
    answers: Mapping[str, Mapping[str, Any]],
    subject_names: Mapping[str, str],
) -> list[AccessLine]:
    """Each pupil (id, name) with the enrollment's answer about their diary, grouped."""
    lines: list[AccessLine] = []
    for pupil_id, name in pupils:
        answer = answers.get(pupil_id, {})
        links = [link for link in answer.get("links", []) if link.get("live", True)]
        lines.append(
            AccessLine(
                pupil_id=pupil_id,
                name=name,
                parents=tuple(_parent(x) for x in links if x.get("relation") == "parent"),
                own=tuple(f"UID {x['uid']}" for x in links if x.get("relation") == "pupil"),
                staff=_staff(answer.get("staff", []), subject_names),
                departed=answer.get("departure") is not None,
                unknown=bool(answer.get("unknown")),
            )
        )
    return lines


def _parent(link: Mapping[str, Any]) -> str:
    kinship = KINSHIP.get(str(link.get("kinship")), "")
    who = str(link.get("applicant_name") or "родитель")
    return f"{who}{f' ({kinship})' if kinship else ''}, UID {link['uid']}"


def _staff(found: Iterable[Mapping[str, Any]], subject_names: Mapping[str, str]) -> tuple[str, ...]:
    """One line per member of staff and UID: what they see the pupil's marks as."""
    roles: dict[tuple[str, int], list[str]] = {}
    names: dict[str, str] = {}
    for access in found:
        staff_id = str(access["staff_id"])
        names[staff_id] = str(access.get("full_name") or staff_id)
        subject = access.get("subject_id")
        what = subject_names.get(str(subject), str(subject)) if subject else "классный руководитель"
        listed = roles.setdefault((staff_id, int(access["uid"])), [])
        if what not in listed:
            listed.append(what)
    return tuple(
        f"{names[staff_id]} (UID {uid}): {', '.join(what)}"
        for (staff_id, uid), what in sorted(roles.items(), key=lambda x: names[x[0][0]])
    )
