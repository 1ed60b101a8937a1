"""«Мои классы», the pure part: a teacher UID's classes and subjects from their profile.

A grant with a subject opens that subject of the class; a class grant without a subject makes
the UID the class teacher, who sees every subject of the class. The diary lists no class's
subjects, so a class teacher's card shows the subjects of the class's lessons of the current
week (read by the route from the class's days) besides those they hold a grant for; any other
subject opens from the class's day.
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


def class_cards(
    classes: Iterable[Mapping[str, Any]], week_subjects: Mapping[str, Mapping[str, str]]
) -> list[ClassCard]:
    """One card per class of `ProfileOut.classes`, in the profile's order; `week_subjects`
    maps a class teacher's class to the subjects (id → name) of its lessons this week."""
    labels: dict[str, str] = {}
    leads: set[str] = set()
    subjects: dict[str, dict[str, str]] = {}
    for entry in classes:
        class_id = str(entry["class_id"])
        labels.setdefault(class_id, str(entry.get("class_label") or class_id))
        own = subjects.setdefault(class_id, {})
        subject_id = entry.get("subject_id")
        if subject_id:
            own[str(subject_id)] = str(entry.get("subject_name") or subject_id)
        else:
            leads.add(class_id)
    for class_id in leads:
        for subject_id, name in week_subjects.get(class_id, {}).items():
            subjects[class_id].setdefault(subject_id, name)
    return [
        ClassCard(
            class_id=class_id,
            label=label,
            class_teacher=class_id in leads,
            subjects=tuple(
                SubjectLink(s, n)
                for s, n in sorted(subjects[class_id].items(), key=lambda item: item[1])
            ),
        )
        for class_id, label in labels.items()
    ]


def led_classes(classes: Iterable[Mapping[str, Any]]) -> list[str]:
    """The classes the teacher leads (a class grant without a subject), each once."""
    found: dict[str, None] = {}
    for entry in classes:
        if not entry.get("subject_id"):
            found.setdefault(str(entry["class_id"]), None)
    return list(found)


def subjects_of_days(days: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """The subjects (id → name) of the lessons of some `ClassDay` answers."""
    found: dict[str, str] = {}
    for day in days:
        for lesson in day.get("lessons") or ():
            subject_id = str(lesson["subject_id"])
            found.setdefault(subject_id, str(lesson.get("subject_name") or subject_id))
    return found


def class_label(classes: Iterable[Mapping[str, Any]], class_id: str) -> str:
    """The class's label in the profile («5А»), else its id."""
    for entry in classes:
        if entry.get("class_id") == class_id and entry.get("class_label"):
            return str(entry["class_label"])
    return class_id
