"""The steps before the first lesson: configuration, people, classes, timetable, scheduling."""

from __future__ import annotations

from demo.curriculum import PASS_FAIL, SUBJECTS
from demo.dates import days_off, halves, quarters, year_span
from demo.model import ADMIN, StepLog
from demo.plan import Plan
from services.journal.domain import commands as c
from services.journal.domain.school import DEFAULT_SCALE, DEFAULT_WORK_KINDS

SCHOOL_NAME = "МБОУ «Средняя общеобразовательная школа № 17»"
SCALE_ID = "five-point"


def write_setup(log: StepLog, plan: Plan) -> None:
    """Everything the administrator records before lessons start, in that order."""
    _configure(log, plan)
    _people(log, plan)
    _classes(log, plan)
    _schedule(log, plan)


def _configure(log: StepLog, plan: Plan) -> None:
    starts_on, ends_on = year_span(plan.year)
    opening = c.OpenSchoolYear(SCHOOL_NAME, starts_on, ends_on, quarters(plan.year))
    log.add(ADMIN, "school", opening)
    log.add(ADMIN, "school", c.ConfigureMarkScale(SCALE_ID, DEFAULT_SCALE))
    log.add(ADMIN, "school", c.ConfigureWorkKinds(DEFAULT_WORK_KINDS))
    for subject_id, name in SUBJECTS.items():
        log.add(ADMIN, "school", c.DefineSubject(subject_id, name))
    log.add(ADMIN, "school", c.SetSchoolCalendar(days_off(plan.year)))
    log.add(ADMIN, "school", c.SetPeriodScheme("halves", "Полугодия", (10, 11), halves(plan.year)))
    for subject_id in sorted({s for s, _ in PASS_FAIL}):
        grades = tuple(sorted(g for s, g in PASS_FAIL if s == subject_id))
        log.add(ADMIN, "school", c.SetSubjectAssessment(subject_id, grades, "pass_fail"))


def _people(log: StepLog, plan: Plan) -> None:
    for member in (*plan.officials, *plan.staffing.teachers):
        cmd = c.RegisterStaffMember(member.staff_id, member.full_name, member.position)
        log.add(ADMIN, "staff", cmd)
    for pupil in plan.pupils:
        log.add(ADMIN, "pupil", c.RegisterPupil(pupil.pupil_id, pupil.full_name, pupil.birth_date))


def _classes(log: StepLog, plan: Plan) -> None:
    starts_on, _ = year_span(plan.year)
    staffing = plan.staffing
    for k in plan.classes:
        opening = c.OpenClass(k.class_id, k.grade, k.label, staffing.class_teachers[k.class_id])
        log.add(ADMIN, "class", opening, class_id=k.class_id)
    for k in plan.classes:
        for pupil_id in k.pupils:
            log.add(ADMIN, "class", c.AddPupilToClass(pupil_id, starts_on), class_id=k.class_id)
    for k in plan.classes:
        for subject_id, teacher_id in staffing.assignments[k.class_id].items():
            cmd = c.AssignTeaching(teacher_id, subject_id)
            log.add(ADMIN, "class", cmd, class_id=k.class_id)
    for k in plan.classes:
        timetable = c.SetTimetable(starts_on, plan.timetables[k.class_id])
        log.add(ADMIN, "class", timetable, class_id=k.class_id)


def _schedule(log: StepLog, plan: Plan) -> None:
    """One ScheduleLesson per lesson of the term, class by class (what scheduling from the
    timetable records, with the same lesson ids, but leaving out the holidays)."""
    for k in plan.classes:
        for lesson in (x for x in plan.lessons if x.class_id == k.class_id):
            cmd = c.ScheduleLesson(
                lesson.lesson_id,
                lesson.class_id,
                lesson.subject_id,
                lesson.date,
                lesson.slot,
                lesson.teacher_id,
            )
            log.add(ADMIN, "lesson", cmd, class_id=k.class_id, lesson_id=lesson.lesson_id)
