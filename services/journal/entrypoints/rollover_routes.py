"""The school-year rollover: run it (or plan it), its status, and one pupil's corrections.

`{year}` is always the closing year; the next year is `{year} + 1`.
"""

from __future__ import annotations

from collections import Counter
from typing import Annotated

from fastapi import APIRouter, Depends

from contracts.base import Token
from services.common.auth import Principal
from services.common.limits import long_running
from services.common.path_params import SchoolPath, YearPath
from services.journal.application import rollover, rollover_pupils, roster
from services.journal.application.handling import Recorded
from services.journal.domain import commands as c
from services.journal.domain.rollover import Admission, Decision, Person
from services.journal.entrypoints.admin_routes import out
from services.journal.entrypoints.deps import READ_ALL, AdminMeta, DepsDep, reading
from services.journal.entrypoints.recorded_dto import RecordedOut
from services.journal.entrypoints.rollover_dto import (
    ClearDebtBody,
    MoveOut,
    NewOutcomeBody,
    NextClassOut,
    PupilStatusOut,
    RolloverBody,
    RolloverOut,
    RolloverStatusOut,
    StepProblem,
    StepsOut,
    TimetableDraftOut,
    UndoBody,
)

router = APIRouter(prefix="/journal/v1/schools/{school}/years/{year}", tags=["rollover"])
Reader = Annotated[Principal, Depends(reading(*READ_ALL))]


@router.post("/rollover", summary="Close the school year and move every pupil into the next")
@long_running  # a school's whole roster moves: a thousand pupils are a thousand commands
async def run_rollover(body: RolloverBody, meta: AdminMeta, deps: DepsDep) -> RolloverOut:
    decisions = {p: Decision(d.outcome, tuple(d.debts)) for p, d in body.outcomes.items()}
    admissions = [
        Admission(
            k.class_id,
            k.label,
            k.class_teacher_id,
            tuple(Person(p.pupil_id, p.full_name, p.birth_date.isoformat()) for p in k.pupils),
        )
        for k in body.first_grade
    ]
    result = await rollover.run_rollover(
        deps,
        meta,
        decisions,
        final_grade=body.final_grade,
        admissions=admissions,
        dry_run=body.dry_run,
    )
    return _result_out(result)


@router.get(
    "/classes/{class_id}/timetable/draft",
    summary="The timetable proposed for a class by the rollover, if any",
)
async def timetable_draft(
    school: SchoolPath, year: YearPath, class_id: Token, _reader: Reader, deps: DepsDep
) -> TimetableDraftOut:
    draft = await roster.timetable_draft(deps, school, year, class_id)
    return TimetableDraftOut(
        class_id=class_id,
        effective_from=draft.effective_from,
        source=draft.source,
        slots=list(draft.slots),
    )


@router.post(
    "/classes/{class_id}/timetable/draft/confirm",
    summary="Confirm the proposed timetable: it is set as it stands",
)
async def confirm_timetable_draft(class_id: Token, meta: AdminMeta, deps: DepsDep) -> RecordedOut:
    return out(await roster.run_class(deps, meta, class_id, c.ConfirmTimetableDraft()))


@router.get("/rollover", summary="Every pupil's outcome of the year and the open debts")
async def rollover_status(
    school: SchoolPath, year: YearPath, _reader: Reader, deps: DepsDep
) -> RolloverStatusOut:
    found = await rollover_pupils.status(deps, school, year)
    pupils = [
        PupilStatusOut(
            pupil_id=p.pupil_id,
            from_class=p.from_class,
            outcome=None if p.state.current is None else p.state.current.outcome,
            to_class_id=None if p.state.current is None else p.state.current.to_class_id,
            debts=[] if p.state.current is None else list(p.state.current.debts),
            open_debts=list(p.open_debts),
            undone=p.state.undone,
        )
        for p in found.pupils
    ]
    counts = Counter(p.outcome or "none" for p in pupils)
    return RolloverStatusOut(
        year=found.year,
        closed_into=found.closed_into,
        counts=dict(sorted(counts.items())),
        open_debts=sum(len(p.open_debts) for p in pupils),
        pupils=pupils,
    )


@router.post(
    "/pupils/{pupil_id}/outcome/undo",
    summary="Undo a pupil's outcome; they leave the next year's class they were moved into",
)
async def undo_outcome(pupil_id: Token, body: UndoBody, meta: AdminMeta, deps: DepsDep) -> StepsOut:
    return _steps(await rollover_pupils.undo_outcome(deps, meta, pupil_id, body.reason))


@router.post(
    "/pupils/{pupil_id}/outcome", summary="Record a pupil's outcome and move them accordingly"
)
async def record_outcome(
    pupil_id: Token, body: NewOutcomeBody, meta: AdminMeta, deps: DepsDep
) -> StepsOut:
    new = rollover_pupils.NewOutcome(body.outcome, tuple(body.debts), body.to_class_id)
    return _steps(await rollover_pupils.record_outcome(deps, meta, pupil_id, new))


@router.post(
    "/pupils/{pupil_id}/debts/{subject_id}/clear", summary="A pupil cleared an academic debt"
)
async def clear_debt(
    pupil_id: Token, subject_id: Token, body: ClearDebtBody, meta: AdminMeta, deps: DepsDep
) -> StepsOut:
    recorded = await rollover_pupils.clear_debt(deps, meta, pupil_id, subject_id, body.cleared_on)
    return _steps([recorded])


def _steps(recorded: list[Recorded]) -> StepsOut:
    return StepsOut(recorded=[out(r) for r in recorded])


def _result_out(result: rollover.RolloverResult) -> RolloverOut:
    plan, tally = result.plan, result.tally
    members = Counter(m.to_class for m in plan.moves if m.to_class is not None)
    return RolloverOut(
        year=plan.year,
        next_year=plan.next_year,
        dry_run=result.dry_run,
        closed=result.closed,
        seconds=round(result.seconds, 3),
        steps=tally.steps,
        recorded=tally.recorded,
        duplicates=tally.duplicates,
        already=tally.already,
        outcomes=dict(plan.outcomes),
        staff=len(plan.staff),
        pupils=len(plan.pupils),
        classes=[
            NextClassOut(
                class_id=k.class_id,
                grade=k.grade,
                label=k.label,
                class_teacher_id=k.class_teacher_id,
                assignments=len(k.assignments),
                pupils=members[k.class_id] + len(k.admitted),
                source=k.source,
                timetable_slots=len(k.timetable),
                admitted=len(k.admitted),
            )
            for k in plan.classes
        ],
        moves=[
            MoveOut(
                pupil_id=m.pupil_id,
                from_class=m.from_class,
                outcome=m.outcome,
                to_class_id=m.to_class,
                debts=list(m.debts),
            )
            for m in plan.moves
        ],
        differs=[StepProblem(step=s, message=m) for s, m in tally.differs],
        failures=[StepProblem(step=s, message=m) for s, m in tally.failures],
    )
