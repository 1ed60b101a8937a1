"""The administrator's page of the year's plan, its pure part: which periods each grade works
in (grades grouped by their scheme), how each subject is assessed grade by grade, and what the
scheme form starts with (a scheme to change, or nothing).

Everything comes from the journal's roster (`periods` with their grades, `schemes`,
`assessments`); the journal decides what may change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from services.web.domain.assessment import (
    ALL_GRADES,
    ASSESSMENTS,
    assessment_label,
    listed_assessments,
)
from services.web.domain.periods import Period, grades_text, periods_of
from services.web.domain.year_plan_forms import PERIOD_ROWS

YEAR_OWN = "периоды учебного года"
"""What the grades no scheme names work in: the periods the year was opened with."""


@dataclass(frozen=True, slots=True)
class GradeGroup:
    """Grades working in the same periods: their scheme (None: the year's own) and periods."""

    grades: tuple[int, ...]
    scheme_id: str | None
    scheme_name: str
    periods: tuple[Period, ...]

    @property
    def grades_text(self) -> str:
        """«10–11 классы»."""
        return grades_text(self.grades)


@dataclass(frozen=True, slots=True)
class SubjectLine:
    """A subject and the grades of each way it is assessed («отметки: 2–11 классы»)."""

    subject_id: str
    name: str
    parts: tuple[tuple[str, str], ...]  # (assessment's label, grades text), scale first


@dataclass(frozen=True, slots=True)
class SchemeDraft:
    """What the scheme form shows: a scheme's id, name, grades and its periods' rows."""

    scheme_id: str
    name: str
    grades: frozenset[int]
    rows: tuple[Mapping[str, str], ...]


def grade_groups(roster: Mapping[str, Any]) -> list[GradeGroup]:
    """Grades 1–11 grouped by the scheme they work in, in the order of their first grade."""
    scheme_of = {int(g): s for s in roster.get("schemes", []) for g in s.get("grades", [])}
    grouped: dict[str | None, list[int]] = {}
    for grade in ALL_GRADES:
        scheme = scheme_of.get(grade)
        grouped.setdefault(str(scheme["scheme_id"]) if scheme else None, []).append(grade)
    groups = []
    for scheme_id, grades in grouped.items():
        scheme = scheme_of.get(grades[0])
        name = str(scheme["name"]) if scheme else YEAR_OWN
        periods = tuple(periods_of(roster, grades[0]))
        groups.append(GradeGroup(tuple(grades), scheme_id, name, periods))
    return groups


def subject_lines(roster: Mapping[str, Any]) -> list[SubjectLine]:
    """Every subject of the year with the grades of each way it is assessed."""
    listed = listed_assessments(roster)
    lines = []
    for subject in roster.get("subjects", []):
        subject_id = str(subject["subject_id"])
        parts = []
        for assessment in ASSESSMENTS:
            grades = [g for g in ALL_GRADES if listed.get((subject_id, g), "scale") == assessment]
            if grades:
                parts.append((assessment_label(assessment), grades_text(grades)))
        lines.append(SubjectLine(subject_id, str(subject.get("name") or subject_id), tuple(parts)))
    return lines


def scheme_draft(roster: Mapping[str, Any], scheme_id: str) -> SchemeDraft:
    """The scheme form's defaults: the scheme `scheme_id` names as it is (to change it), or an
    empty form for a new one."""
    scheme = next((s for s in roster.get("schemes", []) if s.get("scheme_id") == scheme_id), None)
    if scheme is None:
        return SchemeDraft("", "", frozenset(), _rows([]))
    by_id = {p.period_id: p for p in periods_of(roster)}
    periods = [by_id[p] for p in scheme.get("period_ids", []) if p in by_id]
    grades = frozenset(int(g) for g in scheme.get("grades", []))
    return SchemeDraft(str(scheme["scheme_id"]), str(scheme["name"]), grades, _rows(periods))


def _rows(periods: list[Period]) -> tuple[Mapping[str, str], ...]:
    """The form's period rows filled with `periods`, the rest empty."""
    rows: list[Mapping[str, str]] = [
        {
            "period_id": p.period_id,
            "period_name": p.name,
            "starts_on": p.starts_on.isoformat(),
            "ends_on": p.ends_on.isoformat(),
        }
        for p in periods[:PERIOD_ROWS]
    ]
    return tuple(rows + [{}] * (PERIOD_ROWS - len(rows)))
