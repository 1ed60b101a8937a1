"""The letters the journal and the diary show for absences and lateness (the regulation's)."""

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
