"""The school year's plan as the diary's school record says it (`contracts.diary.SchoolRecord`:
`schemes`, `assessments`, `days_off`).

The kernel keeps the plan's events still in force (`kernel.rows.SchoolConfigRow`); a scheme or
an assessment may since have been replaced for some of the grades it named. The record says
what governs each grade now, read through the kernel's plan (`kernel.year_plan.plan_of`): each
scheme with the grades it still governs, each subject's assessment grouped by the grades it
applies to. One state, one content: the delta and the full export say the same.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from contracts.journal import Assessment
from kernel.rows import SchoolConfigRow
from kernel.year_plan import plan_of
from services.exporter.domain.docs import Content


def plan_content(config: SchoolConfigRow) -> Content:
    """`schemes` (ordered by their lowest grade), `assessments` (by subject, then lowest grade)
    and `days_off` (as the school listed them), JSON-ready."""
    plan = plan_of(config)
    return {
        "schemes": [
            {
                "scheme_id": scheme.scheme_id,
                "name": scheme.name,
                "grades": list(grades),
                "periods": [p.model_dump(mode="json") for p in scheme.periods],
            }
            for scheme, grades in plan.scheme_grades()
        ],
        "assessments": _assessments(plan.assessments),
        "days_off": [day.model_dump(mode="json") for day in config.days_off],
    }


def _assessments(by_key: Mapping[tuple[str, int], Assessment]) -> list[Content]:
    """One entry per subject and assessment, with the grades it is so assessed in (only those
    the school set: the default is the diary's to apply, by the same kernel rule)."""
    grades: dict[tuple[str, str], list[int]] = defaultdict(list)
    for (subject_id, grade), assessment in sorted(by_key.items()):
        grades[subject_id, assessment].append(grade)
    ordered = sorted(grades.items(), key=lambda item: (item[0][0], item[1][0]))
    return [
        {"subject_id": subject_id, "grades": governed, "assessment": assessment}
        for (subject_id, assessment), governed in ordered
    ]
