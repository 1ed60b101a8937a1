"""How a subject is assessed in a class's grade, and the marks a page offers for it: the
school's scale, «зач»/«незач» for a pass/fail subject, nothing for a subject without marks.

The pages ask the kernel's `YearPlan` the same questions the journal does (`mark_values`), so
a cell never offers a value the journal refuses. The roster lists every subject × grade that is
not on the scale (grade 1's default «без отметок» included), and nothing else: the plan built
here says "scale" for every other pair, whatever the kernel's defaults are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from kernel.year_plan import ASSESSMENT_LABELS, PASS_FAIL_VALUES, YearPlan, mark_values, value_label

Assessment = Literal["scale", "pass_fail", "unmarked"]
ASSESSMENTS: Final[tuple[Assessment, ...]] = ("scale", "pass_fail", "unmarked")
ALL_GRADES: Final = tuple(range(1, 12))


@dataclass(frozen=True, slots=True)
class MarkChoice:
    """A value a mark cell offers, and how it reads («зач» — «зачтено»)."""

    value: str
    label: str


def plan_of(roster: Mapping[str, Any]) -> YearPlan:
    """The assessments of the roster as the kernel's plan: every subject in every grade, the
    roster's listed pairs as listed and every other pair on the scale."""
    listed = {
        (str(a["subject_id"]), int(a["grade"])): str(a["assessment"])
        for a in roster.get("assessments", [])
    }
    subjects = {str(s["subject_id"]) for s in roster.get("subjects", [])} | {s for s, _ in listed}
    assessments = {
        (subject, grade): _known(listed.get((subject, grade), "scale"))
        for subject in subjects
        for grade in ALL_GRADES
    }
    return YearPlan(assessments=assessments)


def _known(text: str) -> Assessment:
    """An assessment the pages know (a newer journal's other word: on the scale)."""
    return text if text in ASSESSMENTS else "scale"


def assessment_of(roster: Mapping[str, Any], subject_id: str, grade: int | None) -> Assessment:
    """How the subject is assessed in `grade` (None: a class the roster does not know, which
    the journal marks on the scale)."""
    if grade is None:
        return "scale"
    return plan_of(roster).assessment(subject_id, grade)


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
    if grade is None:
        values: tuple[str, ...] = tuple(scale_of(roster))
    else:
        values = mark_values(plan_of(roster), scale_of(roster), subject_id, grade)
    return tuple(MarkChoice(v, value_label(v)) for v in values)


def assessment_label(assessment: str) -> str:
    """«отметки», «зачёт/незачёт», «без отметок» (the value itself for an unknown one)."""
    return ASSESSMENT_LABELS.get(assessment, assessment)


def mark_title(value: str) -> str:
    """A pass/fail mark's reading for a cell's title («зачтено»), empty for a scale mark."""
    return value_label(value) if value in PASS_FAIL_VALUES else ""
