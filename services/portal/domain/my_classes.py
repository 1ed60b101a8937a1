"""«Мои классы», the pure part: a teacher UID's classes and subjects from their profile.

Each entry of the profile's `classes` is one live grant and lists what it lets the teacher read
(`subjects`): a grant with a subject, that subject; a class grant without a subject (the class
teacher's), every subject taught in the class. A class held through several grants is one card
with the subjects of all of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class SubjectLink:
    """A subject of a class the teacher may open as a grid."""

    subject_id: str
    name: str


@dataclass(frozen=True, slots=True)
class ClassCard:
    """A class of the teacher's grants."""

    class_id: str
    label: str
    class_teacher: bool
    subjects: tuple[SubjectLink, ...]


def _subjects_of(entry: Mapping[str, Any]) -> list[tuple[str, str | None]]:
    """The subjects (id, name) a grant of `ProfileOut.classes` opens; the grant's own subject
    when the entry lists none (so a subject teacher's card never comes out empty)."""
    listed = [(str(s["subject_id"]), s.get("subject_name")) for s in entry.get("subjects") or ()]
    if not listed and entry.get("subject_id"):
        listed.append((str(entry["subject_id"]), entry.get("subject_name")))
    return listed


def _reading_order(subject: tuple[str, str]) -> tuple[bool, str, str]:
    subject_id, name = subject
    return name == subject_id, name.casefold().replace("ё", "е"), subject_id


def class_cards(classes: Iterable[Mapping[str, Any]]) -> list[ClassCard]:
    """One card per class of `ProfileOut.classes`, in the profile's order; its subjects by
    name, then those the school has not named, by their ids."""
    labels: dict[str, str] = {}
    leads: set[str] = set()
    subjects: dict[str, dict[str, str]] = {}
    for entry in classes:
        class_id = str(entry["class_id"])
        labels.setdefault(class_id, str(entry.get("class_label") or class_id))
        if not entry.get("subject_id"):
            leads.add(class_id)
        own = subjects.setdefault(class_id, {})
        for subject_id, name in _subjects_of(entry):
            if name or subject_id not in own:  # a name from any grant wins over a bare id
                own[subject_id] = str(name or subject_id)
    return [
        ClassCard(
            class_id=class_id,
            label=label,
            class_teacher=class_id in leads,
            subjects=tuple(
                SubjectLink(s, n) for s, n in sorted(subjects[class_id].items(), key=_reading_order)
            ),
        )
        for class_id, label in labels.items()
    ]


def class_label(classes: Iterable[Mapping[str, Any]], class_id: str) -> str:
    """The class's label in the profile («5А»), else its id."""
    for entry in classes:
        if entry.get("class_id") == class_id and entry.get("class_label"):
            return str(entry["class_label"])
    return class_id
