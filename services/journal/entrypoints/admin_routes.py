"""The administrator's API: the school year, its configuration and the roster."""

from __future__ import annotations

from fastapi import APIRouter, status

from contracts.base import Token
from services.journal.application import lessons, roster
from services.journal.application.handling import Recorded
from services.journal.domain import commands as c
from services.journal.entrypoints.admin_dto import (
    AssignmentBody,
    ClassTeacherBody,
    JoinBody,
    LeaveBody,
    MarkScaleBody,
    OpenClassBody,
    OpenYearBody,
    PupilBody,
    ScheduleOut,
    ScheduleRangeBody,
    StaffBody,
    SubjectBody,
    TimetableBody,
    WorkKindsBody,
)
from services.journal.entrypoints.deps import AdminMeta, DepsDep
from services.journal.entrypoints.recorded_dto import RecordedOut

router = APIRouter(prefix="/journal/v1/schools/{school}/years/{year}", tags=["administration"])


def out(recorded: Recorded) -> RecordedOut:
    """The answer to a command."""
    return RecordedOut(
        event_type=recorded.event_type, seq=recorded.seq, duplicate=recorded.duplicate
    )


@router.put("", summary="Open the school year with its periods")
async def open_year(body: OpenYearBody, meta: AdminMeta, deps: DepsDep) -> RecordedOut:
    cmd = c.OpenSchoolYear(body.school_name, body.starts_on, body.ends_on, tuple(body.periods))
    return out(await roster.run_school(deps, meta, cmd))


@router.put("/config/mark-scale", summary="Set the school's mark scale")
async def set_scale(body: MarkScaleBody, meta: AdminMeta, deps: DepsDep) -> RecordedOut:
    cmd = c.ConfigureMarkScale(body.scale_id, tuple(body.values))
    return out(await roster.run_school(deps, meta, cmd))


@router.put("/config/work-kinds", summary="Set the kinds of work and their weights")
async def set_work_kinds(body: WorkKindsBody, meta: AdminMeta, deps: DepsDep) -> RecordedOut:
    return out(await roster.run_school(deps, meta, c.ConfigureWorkKinds(tuple(body.kinds))))


@router.put("/subjects/{subject_id}", summary="Define or rename a subject")
async def define_subject(
    subject_id: Token, body: SubjectBody, meta: AdminMeta, deps: DepsDep
) -> RecordedOut:
    return out(await roster.run_school(deps, meta, c.DefineSubject(subject_id, body.name)))


@router.put("/staff/{staff_id}", summary="Register or rename a member of staff")
async def register_staff(
    staff_id: Token, body: StaffBody, meta: AdminMeta, deps: DepsDep
) -> RecordedOut:
    cmd = c.RegisterStaffMember(staff_id, body.full_name, body.position)
    return out(await roster.register_staff(deps, meta, cmd))


@router.put("/pupils/{pupil_id}", summary="Register or rename a pupil")
async def register_pupil(
    pupil_id: Token, body: PupilBody, meta: AdminMeta, deps: DepsDep
) -> RecordedOut:
    cmd = c.RegisterPupil(pupil_id, body.full_name, body.birth_date)
    return out(await roster.register_pupil(deps, meta, cmd))


@router.put("/classes/{class_id}", summary="Open a class with its class teacher")
async def open_class(
    class_id: Token, body: OpenClassBody, meta: AdminMeta, deps: DepsDep
) -> RecordedOut:
    cmd = c.OpenClass(class_id, body.grade, body.label, body.class_teacher_id)
    return out(await roster.run_class(deps, meta, class_id, cmd))


@router.put("/classes/{class_id}/class-teacher", summary="Change the class teacher")
async def assign_class_teacher(
    class_id: Token, body: ClassTeacherBody, meta: AdminMeta, deps: DepsDep
) -> RecordedOut:
    cmd = c.AssignClassTeacher(body.class_teacher_id)
    return out(await roster.run_class(deps, meta, class_id, cmd))


@router.post("/classes/{class_id}/members", summary="A pupil joins the class")
async def add_member(
    class_id: Token, body: JoinBody, meta: AdminMeta, deps: DepsDep
) -> RecordedOut:
    cmd = c.AddPupilToClass(body.pupil_id, body.since)
    return out(await roster.run_class(deps, meta, class_id, cmd))


@router.post("/classes/{class_id}/members/{pupil_id}/leave", summary="A pupil leaves the class")
async def remove_member(
    class_id: Token, pupil_id: Token, body: LeaveBody, meta: AdminMeta, deps: DepsDep
) -> RecordedOut:
    cmd = c.RemovePupilFromClass(pupil_id, body.last_day, body.reason)
    return out(await roster.run_class(deps, meta, class_id, cmd))


@router.post("/classes/{class_id}/assignments", summary="A teacher teaches a subject to the class")
async def assign_teaching(
    class_id: Token, body: AssignmentBody, meta: AdminMeta, deps: DepsDep
) -> RecordedOut:
    cmd = c.AssignTeaching(body.teacher_id, body.subject_id, body.group)
    return out(await roster.run_class(deps, meta, class_id, cmd))


@router.post("/classes/{class_id}/assignments/remove", summary="A teaching assignment ends")
async def unassign_teaching(
    class_id: Token, body: AssignmentBody, meta: AdminMeta, deps: DepsDep
) -> RecordedOut:
    cmd = c.UnassignTeaching(body.teacher_id, body.subject_id, body.group)
    return out(await roster.run_class(deps, meta, class_id, cmd))


@router.put("/classes/{class_id}/timetable", summary="Set the class's weekly timetable")
async def set_timetable(
    class_id: Token, body: TimetableBody, meta: AdminMeta, deps: DepsDep
) -> RecordedOut:
    cmd = c.SetTimetable(body.effective_from, tuple(body.slots))
    return out(await roster.run_class(deps, meta, class_id, cmd))


@router.post(
    "/classes/{class_id}/lessons/schedule",
    summary="Schedule the timetabled lessons of a date range (existing ones are kept)",
    status_code=status.HTTP_200_OK,
)
async def schedule_lessons(
    class_id: Token, body: ScheduleRangeBody, meta: AdminMeta, deps: DepsDep
) -> ScheduleOut:
    report = await lessons.schedule_from_timetable(
        deps, meta, class_id, body.date_from, body.date_to
    )
    return ScheduleOut(created=list(report.created), existing=list(report.existing))
