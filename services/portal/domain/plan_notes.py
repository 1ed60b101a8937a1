"""What the pages say of the school year's plan: how a subject is assessed in the child's class
(«зачёт/незачёт», «без отметок») and the days off (holidays, vacations).

The diary's answers carry both (`assessment` of a subject page, a grid and each lesson;
`days_off` of a week or a day, `day_off` of a class's day); the words are the kernel's where it
has them (`kernel.year_plan`). An answer of an older diary without them reads as a subject on
the scale and no day off.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from kernel.year_plan import value_label

SCALE: Final = "scale"
CREDIT: Final = "pass_fail"  # «зачёт/незачёт»
UNMARKED: Final = "unmarked"
ASSESSMENT_NOTES: Final = {
    CREDIT: "Предмет оценивается по системе «зачтено / не зачтено»: средний балл не считается.",
    UNMARKED: "Предмет изучается без отметок: оценки не ставятся.",
}
"""A line under a subject's heading, for a subject not marked on the scale."""
DAY_OFF_KINDS: Final = {"holiday": "Праздничный день", "vacation": "Каникулы"}


def assessment_of(answer: Mapping[str, Any]) -> str:
    """How the answer's subject is assessed (`scale` when the answer does not say)."""
    found = answer.get("assessment")
    return str(found) if found in (SCALE, CREDIT, UNMARKED) else SCALE


def shows_marks(assessment: str) -> bool:
    """A subject without marks shows no marks."""
    return assessment != UNMARKED


def shows_average(assessment: str) -> bool:
    """Only a subject marked on the scale has an average."""
    return assessment == SCALE


def mark_text(mark: Mapping[str, Any]) -> str:
    """How a mark's value reads: the diary's `label` («зачтено»), else the kernel's reading of
    the value."""
    return str(mark.get("label") or value_label(str(mark["value"])))


@dataclass(frozen=True, slots=True)
class DayOffNote:
    """A day without lessons as the page says it: «Каникулы: Осенние каникулы»."""

    date: dt.date
    kind: str
    name: str

    @property
    def text(self) -> str:
        """The kind and the school's name for it."""
        return f"{DAY_OFF_KINDS.get(self.kind, 'Выходной')}: {self.name}"


def day_off_note(found: Mapping[str, Any]) -> DayOffNote:
    """One day off of the diary's answer (`date`, `name`, `kind`)."""
    return DayOffNote(
        date=dt.date.fromisoformat(str(found["date"])),
        kind=str(found.get("kind") or ""),
        name=str(found.get("name") or ""),
    )


def days_off_by_date(days: Iterable[Mapping[str, Any]] | None) -> dict[dt.date, DayOffNote]:
    """The answer's days off by date (none when it lists none)."""
    notes = (day_off_note(d) for d in days or ())
    return {note.date: note for note in notes}
