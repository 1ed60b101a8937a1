"""The journal chooser: the classes and subjects a person is offered, from the roster.

A teacher is offered what they teach and, as a class teacher, every subject of their class;
the head, the deputy director and the administrator every class and subject taught. This only
guides: the journal API refuses a class journal the person may not read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class SubjectChoice:
    """A subject of a class, linking to its class journal."""

    subject_id: str
    name: str
    mine: bool  # the person teaches it there


@dataclass(frozen=True, slots=True)
class ClassChoice:
    """A class with the subjects offered."""

    class_id: str
    label: str
    led_by_me: bool  # the person is its class teacher
    subjects: tuple[SubjectChoice, ...]


def journal_choices(
    roster: Mapping[str, Any], user_id: str, *, reads_all: bool
) -> list[ClassChoice]:
    """The classes (in the roster's order: grade, then label) and their subjects (by name)."""
    names = {s["subject_id"]: s["name"] for s in roster.get("subjects", [])}
    taught: dict[str, set[str]] = {}
    mine: set[tuple[str, str]] = set()
    for a in roster.get("assignments", []):
        taught.setdefault(a["class_id"], set()).add(a["subject_id"])
        if a["teacher_id"] == user_id:
            mine.add((a["class_id"], a["subject_id"]))
    choices: list[ClassChoice] = []
    for klass in roster.get("classes", []):
        class_id = klass["class_id"]
        led = klass.get("class_teacher_id") == user_id
        offered = taught.get(class_id, set())
        if not (reads_all or led):
            offered = {s for s in offered if (class_id, s) in mine}
        if not offered:
            continue
        subjects = sorted(
            (SubjectChoice(s, names.get(s, s), (class_id, s) in mine) for s in offered),
            key=lambda s: (s.name, s.subject_id),
        )
        choices.append(ClassChoice(class_id, klass.get("label", class_id), led, tuple(subjects)))
    return choices
