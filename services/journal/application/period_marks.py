"""Handlers for grading rules, closing periods and period marks, and the period-mark sheet.

A period mark is decided on the pupil's marks as the journal view holds them at command time
(the view follows the stream closely; a mark recorded a moment before may not be in yet, and
the sheet shows when the marks have changed since a mark was set).
"""

from __future__ import annotations

import datetime as dt

from contracts import subjects
from contracts.journal import PeriodMarkInput
from services.journal.application import roster
from services.journal.application.handling import Aggregate, Meta, Recorded, execute
from services.journal.application.period_mark_views import (
    GradingRulesInfo,
    MarkInput,
    PeriodData,
    PeriodMarkLine,
    PeriodMarkSheet,
    SetMarkRecord,
    SetPeriodMark,
)
from services.journal.application.ports import Deps
from services.journal.domain import closing, period_marks
from services.journal.domain.commands import ClosingCommand
from services.journal.domain.commands import SetPeriodMark as SetPeriodMarkCommand
from services.journal.domain.errors import PeriodNotFound
from services.journal.domain.school import SchoolConfig

PERIOD_MARKS = Aggregate(period_marks.INITIAL, period_marks.evolve)


async def run_closing(deps: Deps, meta: Meta, cmd: ClosingCommand) -> Recorded:
    """Set the grading rules, close or reopen a period (on the school's configuration)."""
    return await execute(
        deps,
        meta,
        subjects.school_config(meta.year, meta.school),
        roster.SCHOOL,
        lambda state: closing.decide(cmd, state, actor=meta.actor),
    )


async def set_period_mark(
    deps: Deps, meta: Meta, class_id: str, cmd: SetPeriodMarkCommand
) -> Recorded:
    """Set a pupil's period mark, with the average of their marks in the period."""
    school_state, class_state = await roster.context(deps, meta, class_id)
    span = closing.span_of(school_state, cmd.period_id)
    inputs: tuple[PeriodMarkInput, ...] = ()
    if span is not None:  # an unknown period is refused by the decider
        inputs = await deps.views.period_inputs(
            meta.school, meta.year, class_id, cmd.subject_id, cmd.pupil_id, span
        )
    return await execute(
        deps,
        meta,
        subjects.period_marks(meta.year, meta.school, class_id, cmd.subject_id),
        PERIOD_MARKS,
        lambda state: period_marks.decide(
            cmd, state, actor=meta.actor, school=school_state, klass=class_state, inputs=inputs
        ),
    )


async def school_config(deps: Deps, school: str, year: int) -> SchoolConfig:
    """The school's configuration as its events stand now."""
    return roster.SCHOOL.fold(await deps.store.load(subjects.school_config(year, school)))


def period_span(config: SchoolConfig, period_id: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a period of the year; PeriodNotFound if it has none such."""
    span = closing.span_of(config, period_id)
    if span is None:
        known = ", ".join(closing.period_ids(config))
        msg = f"there is no period '{period_id}' in the school year ({known})"
        raise PeriodNotFound(msg)
    return span


async def period_sheet(  # noqa: PLR0913 - which sheet, and the configuration if read already
    deps: Deps,
    school: str,
    year: int,
    class_id: str,
    subject_id: str,
    period_id: str,
    *,
    config: SchoolConfig | None = None,
) -> PeriodMarkSheet:
    """Every pupil of the class in the period: the average now, the suggestion, the set mark.
    `config` is the school's configuration when the caller has read it already (a sheet per
    subject and period of a class reads it once, not once a sheet)."""
    config = config or await school_config(deps, school, year)
    span = period_span(config, period_id)
    data = await deps.views.period_data(school, year, class_id, subject_id, period_id, span)
    return PeriodMarkSheet(
        school=school,
        year=year,
        class_id=class_id,
        subject_id=subject_id,
        period_id=period_id,
        date_from=span[0],
        date_to=span[1],
        closed=closing.period_lock(config, period_id) is not None,
        rules=GradingRulesInfo(
            version=config.grading.version,
            rounding=config.grading.rounding,
            min_marks=config.grading.min_marks,
        ),
        pupils=[_line(pupil, name, data, config) for pupil, name in data.pupils],
    )


def _line(
    pupil_id: str, name: str | None, data: PeriodData, config: SchoolConfig
) -> PeriodMarkLine:
    inputs = data.inputs.get(pupil_id, ())
    now = period_marks.compute(inputs, config)
    record = data.set_marks.get(pupil_id)
    changed = record is not None and (
        (record.average, record.suggested) != (now.average, now.suggested)
    )
    return PeriodMarkLine(
        pupil_id=pupil_id,
        full_name=name,
        average=now.average,
        suggested=now.suggested,
        marks_counted=now.counted,
        inputs=[_input(i) for i in inputs],
        set=None if record is None else _set_mark(record),
        changed_since_set=changed,
    )


def _set_mark(record: SetMarkRecord) -> SetPeriodMark:
    return SetPeriodMark(
        value=record.value,
        average=record.average,
        suggested=record.suggested,
        differs_from_suggestion=record.suggested is not None and record.value != record.suggested,
        inputs=[_input(i) for i in record.inputs],
        rules=GradingRulesInfo(
            version=record.rules_version, rounding=record.rounding, min_marks=record.min_marks
        ),
        corrected_after_close=record.correction_reason is not None,
        correction_reason=record.correction_reason,
        set_by=record.set_by,
        set_at=record.set_at,
    )


def _input(mark: PeriodMarkInput) -> MarkInput:
    return MarkInput(**mark.model_dump())
