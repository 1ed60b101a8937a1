"""The children of a portal user as the pages name them, from the diary's profile.

The portal holds no pupil's name (DESIGN.md §2): a child is shown by the label the parent gave
it and its class («Маша, 5А»), and «Ребёнок 1», «Ребёнок 2», … (in the profile's order) while
unlabelled. A pupil reads their own diary as «Мой дневник» unless they labelled it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

LABEL_MAX: Final = 40
"""The longest label the diary accepts for a child."""
PUPIL_OWN: Final = "Мой дневник"


@dataclass(frozen=True, slots=True)
class Child:
    """A pupil the user holds a parent's or the pupil's own grant for."""

    pupil: str
    relation: str
    label: str | None
    class_id: str | None
    class_label: str | None
    seen_up_to: int
    number: int
    """1 for the profile's first child, 2 for the next, …"""

    @property
    def name(self) -> str:
        """The label, else «Ребёнок N» (a parent) or «Мой дневник» (the pupil)."""
        if self.label:
            return self.label
        return PUPIL_OWN if self.relation == "pupil" else f"Ребёнок {self.number}"

    @property
    def title(self) -> str:
        """«Маша, 5А»: the name and the class, as headings and menus show the child."""
        school_class = self.class_label or self.class_id
        return f"{self.name}, {school_class}" if school_class else self.name


def children_of(profile: Mapping[str, Any]) -> list[Child]:
    """The children of the diary's profile answer, in its order."""
    return [
        Child(
            pupil=str(child["pupil"]),
            relation=str(child.get("relation") or "parent"),
            label=child.get("label") or None,
            class_id=child.get("class_id") or None,
            class_label=child.get("class_label") or None,
            seen_up_to=int(child.get("seen_up_to") or 0),
            number=number,
        )
        for number, child in enumerate(profile.get("children") or (), start=1)
    ]


def child_named(children: Iterable[Child], pupil: str) -> Child | None:
    """The child of that pseudonym, if the user has it."""
    return next((c for c in children if c.pupil == pupil), None)


def checked_label(text: str) -> str | None:
    """The label as the diary will keep it (stripped), or None when it cannot be one (empty,
    longer than `LABEL_MAX`, or with a control character)."""
    label = text.strip()
    if not label or len(label) > LABEL_MAX:
        return None
    if any(not ch.isprintable() for ch in label):
        return None
    return label
