"""The timetables the rollover proposed for the next year's classes, their pure part: a
proposal's slots in the school's words and order, and the classes in the roster's order.

Nothing here decides whether a proposal may be confirmed: the journal does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

WEEKDAY: Final = {
    1: "понедельник",
    2: "вторник",
    3: "среда",
    4: "четверг",
    5: "пятница",
    6: "суббота",
    7: "воскресенье",
}


@dataclass(frozen=True, slots=True)
class SlotRow:
    """One lesson of a proposed timetable as the page shows it."""

    weekday: str
    slot: int
    subject: str
    teacher: str
    group: str


def slot_rows(
    slots: Iterable[Mapping[str, Any]], subjects: Mapping[str, str], staff: Mapping[str, str]
) -> list[SlotRow]:
    """The proposal's lessons by weekday and slot, with the subjects' and teachers' names (the
    id when the roster has no name)."""
    ordered = sorted(slots, key=lambda s: (s["weekday"], s["slot"], s.get("group") or ""))
    return [
        SlotRow(
            weekday=WEEKDAY.get(s["weekday"], str(s["weekday"])),
            slot=s["slot"],
            subject=subjects.get(s["subject_id"], s["subject_id"]),
            teacher=staff.get(s["teacher_id"], s["teacher_id"]),
            group=s.get("group") or "",
        )
        for s in ordered
    ]


def classes_in_order(classes: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The roster's classes by grade, then label."""
    return sorted(classes, key=lambda k: (k.get("grade", 0), k.get("label", ""), k["class_id"]))


def day_shown(iso: str) -> str:
    """An ISO date as the school writes it (`2027-09-01` → `01.09.2027`); the text itself when
    it is no date."""
    parts = iso.split("-")
    return ".".join(reversed(parts)) if len(parts) == 3 else iso
