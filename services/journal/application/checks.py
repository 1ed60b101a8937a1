"""Handlers of the monthly check: each reads what the command is decided against (findings,
the lesson, the staff) from the view, then runs the check aggregate's decider.

The findings are always computed here, at the moment of the command, with the school's rules
(`Deps.check_rules`) and today's date from the school's clock.
"""

from __future__ import annotations

import uuid

from contracts import subjects
from contracts.base import Event
from contracts.journal import CheckScope, Finding
from services.journal.application import period_marks
from services.journal.application.handling import Aggregate, Meta, Recorded, execute, fold_of
from services.journal.application.ports import Deps
from services.journal.domain import monthly_check
from services.journal.domain.commands import (
    CheckCommand,
    CloseMonthlyCheck,
    ConfirmRemark,
    IssueRemark,
    OpenMonthlyCheck,
    ReopenRemark,
    ResolveRemark,
)
from services.journal.domain.findings import CheckRules, LessonFacts, find, lesson_findings
from services.journal.domain.monthly_check import CheckState, Reference, month_range

CHECK = Aggregate(monthly_check.INITIAL, monthly_check.evolve)
_IDS = uuid.UUID("2b7c4e1a-93d5-4f0e-8a61-0c5e9d3f7b42")


def new_id(prefix: str, command_id: str) -> str:
    """A check's or remark's id, derived from the command id so a retried request reuses it."""
    return f"{prefix}-{uuid.uuid5(_IDS, f'{prefix}:{command_id}').hex[:20]}"


def lesson_of_finding(finding_id: str) -> str | None:
    """The lesson id inside a finding id (`<kind>:<lesson_id>[:<pupil_id>]`)."""
    parts = finding_id.split(":")
    return parts[1] if len(parts) >= 2 else None


async def scope_findings(
    deps: Deps, school: str, year: int, month: str, scope: CheckScope, target_id: str | None
) -> list[Finding]:
    """The findings now of the lessons of a month in a scope."""
    facts = await deps.check_views.lesson_facts(school, year, month_range(month), scope, target_id)
    return find(facts, today=deps.clock.today(), rules=await check_rules(deps, school, year))


async def check_rules(deps: Deps, school: str, year: int) -> CheckRules:
    """The check's rules for a school year: the installation's, with the year's days off."""
    config = await period_marks.school_config(deps, school, year)
    return deps.check_rules.with_calendar(config.plan)


async def open_check(
    deps: Deps, meta: Meta, month: str, scope: CheckScope, target_id: str | None
) -> tuple[Recorded, str]:
    """Open the check of a month with its findings as they stand; answers the new check's id."""
    check_id = new_id("c", meta.command_id)
    findings = await scope_findings(deps, meta.school, meta.year, month, scope, target_id)
    names = await deps.check_views.names(meta.school, meta.year)
    ref = Reference(
        deps.clock.today(),
        tuple(findings),
        known_staff=frozenset(names.staff),
        known_class=scope != "class" or target_id in names.classes,
    )
    recorded = await _run(
        deps, meta, check_id, OpenMonthlyCheck(check_id, month, scope, target_id), ref
    )
    return recorded, check_id


async def issue_remark(deps: Deps, meta: Meta, check_id: str, cmd: IssueRemark) -> Recorded:
    """Issue a remark (its id comes with the command), checked against its lesson and finding."""
    lesson_id = cmd.lesson_id or (lesson_of_finding(cmd.finding_id) if cmd.finding_id else None)
    lesson = await _lesson(deps, meta, lesson_id)
    names = await deps.check_views.names(meta.school, meta.year)
    ref = Reference(
        deps.clock.today(),
        await _findings_of(deps, meta, lesson),
        lesson=lesson,
        known_staff=frozenset(names.staff),
    )
    return await _run(deps, meta, check_id, cmd, ref)


async def resolve(deps: Deps, meta: Meta, check_id: str, cmd: ResolveRemark) -> Recorded:
    """The addressed teacher marks the remark done."""
    return await _run(deps, meta, check_id, cmd, Reference(deps.clock.today()))


async def confirm_or_reopen(
    deps: Deps, meta: Meta, check_id: str, cmd: ConfirmRemark | ReopenRemark
) -> Recorded:
    """The deputy confirms or reopens a resolved (or automatically fixed) remark."""
    state = await fold_of(deps, CHECK, _subject(meta, check_id))
    remark = state.remarks.get(cmd.remark_id)
    lesson = await _lesson(deps, meta, remark.lesson_id if remark else None)
    ref = Reference(deps.clock.today(), await _findings_of(deps, meta, lesson), lesson=lesson)
    return await _run(deps, meta, check_id, cmd, ref)


async def close(deps: Deps, meta: Meta, check_id: str) -> Recorded:
    """The deputy closes the check."""
    return await _run(deps, meta, check_id, CloseMonthlyCheck(), Reference(deps.clock.today()))


async def _lesson(deps: Deps, meta: Meta, lesson_id: str | None) -> LessonFacts | None:
    if lesson_id is None:
        return None
    found = await deps.check_views.lessons_by_id(meta.school, meta.year, [lesson_id])
    return found[0] if found else None


async def _findings_of(deps: Deps, meta: Meta, lesson: LessonFacts | None) -> tuple[Finding, ...]:
    if lesson is None:
        return ()
    rules = await check_rules(deps, meta.school, meta.year)
    return tuple(lesson_findings(lesson, today=deps.clock.today(), rules=rules))


def _subject(meta: Meta, check_id: str) -> str:
    return subjects.monthly_check(meta.year, meta.school, check_id)


async def _run(
    deps: Deps, meta: Meta, check_id: str, cmd: CheckCommand, ref: Reference
) -> Recorded:
    def decide(state: CheckState) -> list[Event]:
        return monthly_check.decide(cmd, state, actor=meta.actor, ref=ref)

    return await execute(deps, meta, _subject(meta, check_id), CHECK, decide)
