"""The letters the journal shows for absences and lateness."""

from __future__ import annotations

from contracts.journal import AbsenceKind, AbsenceReason

ABSENCE_LETTERS: dict[AbsenceReason, str] = {
    "unknown": "Н",
    "illness": "Б",
    "valid": "У",
    "unexcused": "П",
}
LATE_LETTER = "ОП"


def journal_letter(kind: AbsenceKind, reason: AbsenceReason) -> str:
    """The school's letter: Н (reason unknown yet), Б (illness), У (valid reason),
    П (unexcused) for an absence; ОП for lateness whatever its reason."""
    if kind == "late":
        return LATE_LETTER
    return ABSENCE_LETTERS[reason]
