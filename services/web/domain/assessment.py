"""How a subject is assessed in a class's grade, and the marks a page offers for it: the
school's scale, «зач»/«незач» for a pass/fail subject, nothing for a subject without marks.

The pages take the values of an assessment from the kernel's rule the journal checks marks
with (`mark_values`), so a cell never offers a value the journal refuses. The roster lists every
subject × grade that is not on the scale (grade 1's default «без отметок» included), and
nothing else: every other pair is on the scale, whatever the kernel's defaults are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from kernel.year_plan import ASSESSMENT_LABELS, PASS_FAIL_VALUES, mark_values, value_label

Assessment = Literal["scale", "pass_fail", "unmarked"]
ASSESSMENTS: Final[tuple[Assessment, ...]] = ("scale", "pass_fail", "unmarked")
ALL_GRADES: Final = tuple(range(1, 12))


@dataclass(frozen=True, slots=True)
class MarkChoice:
    """A value a mark cell offers, and how it reads («зач» — «зачтено»)."""

    value: str
    label: str


def listed_assessments(roster: Mapping[str, Any]) -> dict[tuple[str, int], Assessment]:
    """(subject, grade) -> how it is assessed, for every pair the roster lists (those not on
    the scale, grade 1's default «без отметок» included); any other pair is on the scale."""
    return {
        (str(a["subject_id"]), int(a["grade"])): _known(str(a["assessment"]))
        for a in roster.get("assessments", [])
    }


def _known(text: str) -> Assessment:
    """An assessment the pages know (a newer journal's other word: on the scale)."""
    return text if text in ASSESSMENTS else "scale"


def assessment_of(roster: Mapping[str, Any], subject_id: str, grade: int | None) -> Assessment:
    """How the subject is assessed in `grade` (None: a class the roster does not know, which
    the journal marks on the scale)."""
    if grade is None:
        return "scale"
    return listed_assessments(roster).get((subject_id, grade), "scale")


def scale_of(roster: Mapping[str, Any]) -> dict[str, int | None]:
    """The school's mark scale: each value and its number (None: counts in no average)."""
    scale: dict[str, int | None] = {}
    for entry in roster.get("scale", []):
        numeric = entry.get("numeric")
        scale[str(entry["value"])] = int(numeric) if isinstance(numeric, int) else None
    return scale


def mark_choices(
    roster: Mapping[str, Any], subject_id: str, grade: int | None
) -> tuple[MarkChoice, ...]:
    """The values a mark of the subject may take in `grade`, each with its reading; none for
    a subject without marks."""
    values = mark_values(assessment_of(roster, subject_id, grade), scale_of(roster))
    return tuple(MarkChoice(v, value_label(v)) for v in values)


def assessment_label(assessment: str) -> str:
    """«отметки», «зачёт/незачёт», «без отметок» (the value itself for an unknown one)."""
    return ASSESSMENT_LABELS.get(assessment, assessment)


def mark_title(value: str) -> str:
    """A pass/fail mark's reading for a cell's title («зачтено»), empty for a scale mark."""
    return value_label(value) if value in PASS_FAIL_VALUES else ""
