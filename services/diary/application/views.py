"""The diary's use cases: decide access from live grants, read the rows, assemble the view.

Here: the caller's grants, a pupil's views (day, week, subject) and the staff directory; a
class's views are `class_views`, a file's download `downloads`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from services.diary.application.ports import DiaryReads, StaffDirectoryReads
from services.diary.domain import access, assembly
from services.diary.domain import views as v
from services.diary.domain.access import Caller, Denied, Grant, Visibility
from services.diary.domain.calendar import (
    DateRange,
    MemberRow,
    Selected,
    UnknownPeriod,
    member_on,
    school_year,
    select_period,
    week_of,
)
from services.diary.domain.period_marks import AFTER_TERMS, pupil_period_marks
from services.diary.domain.profile_view import class_of
from services.diary.domain.rows import DirectoryEntry, LessonSet, SchoolConfig
from services.diary.domain.year_plan import (
    class_assessment,
    class_periods,
    days_off_between,
    shows_marks,
)


class NotFound(Exception):
    """Nothing of that id within what the caller may see."""


def file_url(school: str, year: int) -> v.FileUrl:
    """Download URLs of the diary's own file route."""
    return lambda attachment_id: f"/diary/v1/schools/{school}/years/{year}/files/{attachment_id}"


@dataclass(frozen=True, slots=True)
class Scope:
    """A request's school year and caller."""

    school: str
    year: int
    caller: Caller


async def my_grants(reads: DiaryReads, scope: Scope) -> list[Grant]:
    """The caller's live grants."""
    access.check_portal_caller(scope.caller, scope.school)
    uid = scope.caller.uid
    assert uid is not None  # noqa: S101 - checked by check_portal_caller
    return access.live_grants(scope.caller, await reads.grants_of(scope.school, scope.year, uid))


async def pupil_access(
    reads: DiaryReads, scope: Scope, pupil: str
) -> tuple[Visibility, list[MemberRow]]:
    """What the caller sees of `pupil`, and the pupil's memberships."""
    grants = await my_grants(reads, scope)
    memberships = await reads.memberships(scope.school, scope.year, [pupil])
    visibility = access.pupil_visibility(
        scope.caller, grants, pupil, {m.class_id for m in memberships}
    )
    return visibility, memberships


def visible_only(found: LessonSet, keep: set[str]) -> LessonSet:
    """The lessons of `found` whose ids are in `keep`, with their files, marks and absences."""
    lessons = tuple(lesson for lesson in found.lessons if lesson.lesson_id in keep)
    return LessonSet(
        lessons,
        tuple(f for f in found.files if f.lesson_id in keep),
        tuple(m for m in found.marks if m.lesson_id in keep),
        tuple(a for a in found.absences if a.lesson_id in keep),
    )


async def _pupil_lessons(
    reads: DiaryReads,
    scope: Scope,
    days: DateRange,
    visibility: Visibility,
    memberships: list[MemberRow],
    subject_id: str | None = None,
) -> LessonSet:
    """The lessons of the pupil's classes on the days they were members, as far as visible."""
    classes = {m.class_id for m in memberships if days.overlaps(m.since, m.last_day)}
    if not classes:
        return LessonSet()
    found = await reads.lessons(
        scope.school, scope.year, classes, (days.start, days.end), subject_id
    )
    keep = {
        lesson.lesson_id
        for lesson in found.lessons
        if member_on(memberships, lesson.class_id, lesson.date)
        and visibility.sees(lesson.class_id, lesson.subject_id)
    }
    return visible_only(found, keep)


async def pupil_days(reads: DiaryReads, scope: Scope, pupil: str, days: DateRange) -> v.PupilDays:
    """A pupil's lessons day by day (a day, or the week of `week_of`), and the days off."""
    visibility, memberships = await pupil_access(reads, scope, pupil)
    config = await reads.school_config(scope.school, scope.year)
    found = await _pupil_lessons(reads, scope, days, visibility, memberships)
    lessons = assembly.pupil_lessons(pupil, found, config, file_url(scope.school, scope.year))
    days_off = days_off_between(config, days.start, days.end)
    return v.PupilDays(pupil, days.start, days.end, lessons, days_off)


async def pupil_day(reads: DiaryReads, scope: Scope, pupil: str, day: dt.date) -> v.PupilDays:
    """A pupil's lessons of one day."""
    return await pupil_days(reads, scope, pupil, DateRange(day, day))


async def pupil_week(reads: DiaryReads, scope: Scope, pupil: str, day: dt.date) -> v.PupilDays:
    """A pupil's lessons of the Monday-to-Sunday week containing `day`."""
    return await pupil_days(reads, scope, pupil, week_of(day))


def period_of(
    config: SchoolConfig,
    year: int,
    period_id: str | None,
    today: dt.date,
    class_id: str | None = None,
) -> Selected:
    """The period a view of a class shows, among the class's periods (its grade's scheme), else
    the one of today, else the whole year (the year's also for a year, exam or final mark);
    NotFound for a period the class does not work in."""
    whole = school_year(year, config.starts_on, config.ends_on)
    if period_id in AFTER_TERMS:  # the year's (or exam's, final) mark: over the whole year
        return Selected(whole, period_id)
    try:
        return select_period(class_periods(config, class_id), period_id, today, whole)
    except UnknownPeriod as error:
        raise NotFound(f"no period {period_id!r}") from error


async def pupil_subject(
    reads: DiaryReads,
    scope: Scope,
    pupil: str,
    subject_id: str,
    period_id: str | None,
    today: dt.date,
) -> v.PupilSubject:
    """A pupil's marks in a subject over a period, with the weighted average, the period mark
    of the period and every period mark of the year (of the classes the caller sees).

    The periods are those of the pupil's class (today's, else the one they joined last); a
    subject that is not marked in its grade shows no marks, no average, no period mark."""
    visibility, memberships = await pupil_access(reads, scope, pupil)
    if not visibility.everything and not any(
        visibility.sees(m.class_id, subject_id) for m in memberships
    ):
        raise Denied("no_grant", "you have no live grant for this subject")
    config = await reads.school_config(scope.school, scope.year)
    class_id = class_of(memberships, pupil, today)
    periods = class_periods(config, class_id)
    assessment = class_assessment(config, subject_id, class_id)
    selected = period_of(config, scope.year, period_id, today, class_id)
    found = await _pupil_lessons(reads, scope, selected.days, visibility, memberships, subject_id)
    marks, avg = assembly.pupil_marks(pupil, found, config)
    rows = await reads.period_marks(scope.school, scope.year, pupil, subject_id)
    current, period_marks = pupil_period_marks(
        (r for r in rows if visibility.sees(r.class_id, subject_id) and shows_marks(assessment)),
        periods,
        selected.period_id,
    )
    return v.PupilSubject(
        pupil=pupil,
        subject_id=subject_id,
        subject_name=config.subjects.get(subject_id),
        period_id=selected.period_id,
        starts_on=selected.days.start,
        ends_on=selected.days.end,
        marks=marks,
        average=avg,
        period_mark=current,
        period_marks=period_marks,
        assessment=assessment,
        periods=periods,
    )


def check_directory_reader(caller: Caller, school: str) -> None:
    """The staff directory is for every portal user of the school (names public by law, no
    grant needed) and its operators; `Denied` for anyone else."""
    access.check_school(caller, school)
    if caller.roles.isdisjoint(access.OPERATOR_ROLES):
        access.check_portal_caller(caller, school)


async def teachers(reads: StaffDirectoryReads, scope: Scope) -> tuple[DirectoryEntry, ...]:
    """The teaching staff of the school year by surname and initials, with their subjects."""
    check_directory_reader(scope.caller, scope.school)
    return assembly.teachers_in_order(await reads.staff_directory(scope.school, scope.year))
