"""The monthly checks as the deputy, the head and the teachers read them, and the reports.

A remark's status is shown beside whether its finding still holds *now*: the findings of the
remark's lesson are recomputed at read time (`services.journal.domain.findings`), so a remark
whose gap the teacher filled shows as fixed automatically without anyone recording it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, Literal, TypeVar

from contracts.journal import Finding
from services.journal.application.check_models import (
    CheckDetail,
    CheckFinding,
    CheckHeading,
    CheckRecord,
    CheckSummary,
    RemarkRecord,
    RemarkView,
    ShownStatus,
)
from services.journal.application.checks import check_rules, scope_findings
from services.journal.application.ports import Deps
from services.journal.application.read_models import ReadModel
from services.journal.domain.findings import lesson_findings

ReportBy = Literal["teacher", "class"]
G = TypeVar("G", Finding, RemarkView)


class ReportRow(ReadModel):
    """One teacher's (or class's) part of a check."""

    key: str
    name: str | None
    findings_at_opening: int
    findings_now: list[Finding]
    remarks: list[RemarkView]

    def count(self, status: ShownStatus) -> int:
        """How many of the group's remarks show this status."""
        return sum(1 for remark in self.remarks if remark.shown_status == status)


class CheckReport(ReadModel):
    """A check's report by teacher or by class."""

    check: CheckDetail
    by: ReportBy
    school_name: str | None
    rows: list[ReportRow]


async def list_checks(deps: Deps, school: str, year: int) -> list[CheckSummary]:
    """Every check of the year, the latest first, with the number of findings and remarks."""
    checks = await deps.check_views.checks(school, year)
    remarks = Counter(r.check_id for r in await deps.check_views.remarks(school, year))
    return [
        CheckSummary(
            **_heading(c),
            findings_at_opening=len(c.findings),
            remarks=remarks[c.check_id],
        )
        for c in checks
    ]


async def check_detail(deps: Deps, school: str, year: int, check_id: str) -> CheckDetail:
    """A check with its findings (each once: at opening, now or both) and its remarks;
    ViewNotFound if unknown."""
    check = await deps.check_views.check(school, year, check_id)
    now = await scope_findings(deps, school, year, check.month, check.scope, check.target_id)
    remarks = await deps.check_views.remarks(school, year, check_id=check_id)
    return CheckDetail(
        **_heading(check),
        closed_at=check.closed_at,
        findings=listed_once(check.findings, now),
        remarks=await with_auto_fixed(deps, school, year, remarks),
    )


def _heading(check: CheckRecord) -> dict[str, Any]:
    """The fields of the check's heading, as the view holds them."""
    return check.model_dump(include=set(CheckHeading.model_fields))


def listed_once(at_opening: Sequence[Finding], now: Sequence[Finding]) -> list[CheckFinding]:
    """Every finding of a check once, in the order of opening and then the new ones; one that
    still holds as it stands now. Most findings hold both at opening and now: listed twice,
    they doubled the answer (a school's check ran to a megabyte)."""
    opened = {f.finding_id for f in at_opening}
    holding = {f.finding_id: f for f in now}
    listed = [holding.get(f.finding_id, f) for f in at_opening]
    listed += [f for f in now if f.finding_id not in opened]
    return [
        CheckFinding(
            **f.model_dump(), at_opening=f.finding_id in opened, now=f.finding_id in holding
        )
        for f in listed
    ]


async def teacher_remarks(deps: Deps, school: str, year: int, teacher_id: str) -> list[RemarkView]:
    """Every remark addressed to a teacher this year, oldest first."""
    remarks = await deps.check_views.remarks(school, year, teacher_id=teacher_id)
    return await with_auto_fixed(deps, school, year, remarks)


async def with_auto_fixed(
    deps: Deps, school: str, year: int, remarks: Sequence[RemarkRecord]
) -> list[RemarkView]:
    """The remarks with whether the finding each is about still holds (recomputed now)."""
    lesson_ids = {r.lesson_id for r in remarks if r.finding_id and r.lesson_id}
    lessons = await deps.check_views.lessons_by_id(school, year, lesson_ids)
    today, rules = deps.clock.today(), await check_rules(deps, school, year)
    holding = {
        f.finding_id
        for lesson in lessons
        for f in lesson_findings(lesson, today=today, rules=rules)
    }
    views: list[RemarkView] = []
    for remark in remarks:
        fixed = remark.finding_id is not None and remark.finding_id not in holding
        shown: ShownStatus = (
            "fixed_automatically" if fixed and remark.status == "issued" else remark.status
        )
        views.append(RemarkView(**remark.model_dump(), auto_fixed=fixed, shown_status=shown))
    return views


async def report(deps: Deps, school: str, year: int, check_id: str, by: ReportBy) -> CheckReport:
    """The check's findings and remarks grouped by teacher or by class."""
    detail = await check_detail(deps, school, year, check_id)
    names = await deps.check_views.names(school, year)
    labels = names.staff if by == "teacher" else names.classes
    opening = Counter(_key(f, by) for f in detail.findings if f.at_opening)
    now = _grouped([f for f in detail.findings if f.now], by)
    remarks = _grouped(detail.remarks, by)
    keys = sorted(set(opening) | set(now) | set(remarks), key=lambda k: (labels.get(k) or k, k))
    rows = [
        ReportRow(
            key=key,
            name=labels.get(key),
            findings_at_opening=opening[key],
            findings_now=now.get(key, []),
            remarks=remarks.get(key, []),
        )
        for key in keys
    ]
    return CheckReport(check=detail, by=by, school_name=names.school_name, rows=rows)


def _key(item: Finding | RemarkView, by: ReportBy) -> str:
    return item.teacher_id if by == "teacher" else (item.class_id or "")


def _grouped(items: Iterable[G], by: ReportBy) -> dict[str, list[G]]:
    groups: dict[str, list[G]] = {}
    for item in items:
        groups.setdefault(_key(item, by), []).append(item)
    return groups
