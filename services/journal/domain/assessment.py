"""The one rule every mark passes, in a lesson or for a period: the subject's assessment in the
class's grade allows it (`kernel.year_plan`: the scale, «зач»/«незач», or no marks at all)."""

from __future__ import annotations

from collections.abc import Collection

from kernel.year_plan import mark_values
from services.journal.domain.errors import MarkNotOnScale, NotMarkedSubject
from services.journal.domain.school import SchoolConfig


def require_mark_allowed(
    school: SchoolConfig,
    subject_id: str,
    grade: int,
    value: str,
    also: Collection[str] = (),
    what: str = "mark",
) -> None:
    """Refuse a mark of `value` in the subject for a class of `grade` unless its assessment
    allows it; `also` are values allowed besides (a period's «н/а» and «осв»); `what` names the
    mark in the message."""
    assessment = school.plan.assessment(subject_id, grade)
    if assessment == "unmarked":
        msg = (
            f"'{subject_id}' is not marked in grade {grade} (безотметочное обучение): "
            "attendance, topics and homework only"
        )
        raise NotMarkedSubject(msg)
    allowed = mark_values(assessment, school.scale)
    if value in allowed or value in also:
        return
    listed = ", ".join((*allowed, *(v for v in also if v not in allowed)))
    if assessment == "pass_fail":
        msg = (
            f"'{subject_id}' is pass/fail in grade {grade}: mark '{value}' is not one of ({listed})"
        )
    else:
        msg = f"{what} '{value}' is not on the school's scale ({listed})"
    raise MarkNotOnScale(msg)
