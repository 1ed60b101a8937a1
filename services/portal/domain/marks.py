"""How a mark, its weight, an average and an absence read in the diary: the school's words.

Absence letters are the regulation's (kernel.letters): Н — absent, the reason not given
yet; Б — illness; У — a valid reason; П — no valid reason; ОП — late.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from services.portal.domain.plan_notes import mark_text

LETTER_MEANINGS: Final = {
    "Н": "отсутствовал(а), причина пока не указана",
    "Б": "отсутствовал(а) по болезни",
    "У": "отсутствовал(а) по уважительной причине",
    "П": "отсутствовал(а) без уважительной причины",
    "ОП": "опоздал(а)",
}
"""What each letter of an absence means, for the page's legend and beside each letter."""


def decimal_text(value: object, places: int | None = None) -> str | None:
    """A number the Russian way: «4,25», «2», «1,5» (trailing zeros dropped unless `places`
    is given); None for no number."""
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    text = format(number.normalize(), "f") if places is None else f"{number:.{places}f}"
    return text.replace(".", ",")


def weight_text(weight: object) -> str | None:
    """«вес 2», «вес 1,5» (None without a weight)."""
    number = decimal_text(weight)
    return None if number is None else f"вес {number}"


@dataclass(frozen=True, slots=True)
class MarkNote:
    """A mark as a person reads it: the value, the kind of work, the weight."""

    value: str
    kind: str
    weight: str | None
    comment: str | None
    counts: bool
    corrected: bool

    @property
    def describe(self) -> str:
        """«Контрольная работа, вес 2» (and «не учитывается в среднем» when so)."""
        parts = [self.kind, *([self.weight] if self.weight else [])]
        if not self.counts:
            parts.append("не учитывается в среднем")
        return ", ".join(parts)


def mark_note(mark: Mapping[str, Any]) -> MarkNote:
    """A mark of the diary's answer (`value`, `work_kind_name`, `weight`, …); a pass/fail mark
    reads «зачтено» / «не зачтено» (`label`)."""
    return MarkNote(
        value=mark_text(mark),
        kind=str(mark.get("work_kind_name") or mark.get("work_kind_id") or "оценка"),
        weight=weight_text(mark.get("weight")),
        comment=mark.get("comment") or None,
        counts=bool(mark.get("counts", True)),
        corrected=bool(mark.get("corrected", False)),
    )


@dataclass(frozen=True, slots=True)
class AbsenceNote:
    """An absence's letter and what it means."""

    letter: str
    meaning: str


def letter_meaning(letter: str) -> str:
    """What the letter says («отсутствовал(а) по болезни»); an unknown letter as itself."""
    return LETTER_MEANINGS.get(letter, letter)


def absence_note(absence: Mapping[str, Any]) -> AbsenceNote:
    """An absence of the diary's answer (`letter`, `kind`, `minutes_late`)."""
    letter = str(absence.get("letter") or "Н")
    meaning = letter_meaning(letter)
    minutes = absence.get("minutes_late")
    if absence.get("kind") == "late" and minutes:
        meaning = f"опоздал(а) на {minutes} мин"
    return AbsenceNote(letter, meaning)
