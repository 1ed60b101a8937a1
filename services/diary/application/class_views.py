"""The diary's views of a class for its staff: a subject's grid (pupils × lessons) over one of
the class's periods (its grade's scheme) and a day's lessons, in the subjects the caller's live
grants cover."""

from __future__ import annotations

import datetime as dt

from services.diary.application.ports import DiaryReads
from services.diary.application.views import Scope, file_url, my_grants, period_of, visible_only
from services.diary.domain import access, assembly
from services.diary.domain import views as v
from services.diary.domain.access import Visibility
from services.diary.domain.year_plan import class_assessment, class_periods, day_off_on


async def _class_access(reads: DiaryReads, scope: Scope, class_id: str) -> Visibility:
    grants = await my_grants(reads, scope)
    return access.class_access(scope.caller, grants, class_id)


async def class_grid(
    reads: DiaryReads,
    scope: Scope,
    class_id: str,
    subject_id: str,
    period_id: str | None,
    today: dt.date,
) -> v.ClassGrid:
    """The staff grid of a subject in a class: pupils × lessons, marks, absences, averages."""
    visibility = await _class_access(reads, scope, class_id)
    access.check_subject(visibility, class_id, subject_id)
    config = await reads.school_config(scope.school, scope.year)
    selected = period_of(config, scope.year, period_id, today, class_id)
    days = selected.days
    members = [
        m
        for m in await reads.members(scope.school, scope.year, class_id)
        if days.overlaps(m.since, m.last_day)
    ]
    found = await reads.lessons(
        scope.school, scope.year, [class_id], (days.start, days.end), subject_id
    )
    return v.ClassGrid(
        class_id=class_id,
        subject_id=subject_id,
        subject_name=config.subjects.get(subject_id),
        period_id=selected.period_id,
        starts_on=days.start,
        ends_on=days.end,
        lessons=assembly.grid_lessons(found),
        pupils=assembly.grid_rows(members, found, config),
        assessment=class_assessment(config, subject_id, class_id),
        periods=class_periods(config, class_id),
    )


async def class_day(reads: DiaryReads, scope: Scope, class_id: str, day: dt.date) -> v.ClassDay:
    """A class's lessons of a day, in the subjects the caller sees, and the day off it is."""
    visibility = await _class_access(reads, scope, class_id)
    config = await reads.school_config(scope.school, scope.year)
    found = await reads.lessons(scope.school, scope.year, [class_id], (day, day))
    keep = {
        lesson.lesson_id
        for lesson in found.lessons
        if visibility.sees(lesson.class_id, lesson.subject_id)
    }
    lessons = assembly.class_lessons(
        visible_only(found, keep), config, file_url(scope.school, scope.year)
    )
    return v.ClassDay(class_id, day, lessons, day_off_on(config, day))
