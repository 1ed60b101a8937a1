"""A class of the school year: its teacher, pupils over time, teaching assignments, timetable
(and the timetable proposed for it, which takes effect once the administrator confirms it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from itertools import combinations

from contracts.base import Event
from contracts.envelope import Actor
from contracts.journal import (
    ClassOpened,
    ClassTeacherAssigned,
    PupilJoinedClass,
    PupilLeftClass,
    TeachingAssigned,
    TeachingUnassigned,
    TimetableDrafted,
    TimetableSet,
    TimetableSlot,
)
from services.journal.domain.closing import lesson_lock
from services.journal.domain.commands import (
    AddPupilToClass,
    AssignClassTeacher,
    AssignTeaching,
    ClassCommand,
    ConfirmTimetableDraft,
    DraftTimetable,
    OpenClass,
    RemovePupilFromClass,
    ScheduleLesson,
    SetTimetable,
    UnassignTeaching,
)
from services.journal.domain.errors import (
    AlreadyExists,
    AssignmentNotFound,
    ClassNotFound,
    DateOutsideSchoolYear,
    NothingToChange,
    NoTimetableDraft,
    PupilAlreadyInClass,
    PupilNotInClass,
    ReasonRequired,
    SchoolYearNotOpen,
    TeacherNotAssigned,
    TimetableClash,
    UnknownSubject,
    YearClosed,
)
from services.journal.domain.school import SchoolConfig, require_admin, within_year

Interval = tuple[dt.date, dt.date | None]  # (since, last_day inclusive or None while a member)
Assignment = tuple[str, str, str | None]  # (teacher_id, subject_id, group)


@dataclass(frozen=True, slots=True)
class ClassState:
    """A class as its events built it."""

    opened: bool = False
    class_id: str = ""
    grade: int = 0
    label: str = ""
    class_teacher_id: str = ""
    memberships: Mapping[str, tuple[Interval, ...]] = field(default_factory=dict)
    assignments: frozenset[Assignment] = frozenset()
    timetables: tuple[tuple[dt.date, tuple[TimetableSlot, ...]], ...] = ()
    draft: TimetableDrafted | None = None  # proposed, not yet confirmed (nor replaced)


INITIAL = ClassState()


def enrolled_on(state: ClassState, date: dt.date) -> frozenset[str]:
    """The pupils who belong to the class on the date (the last day included)."""
    return frozenset(
        pupil
        for pupil, intervals in state.memberships.items()
        if any(_covers(interval, date) for interval in intervals)
    )


def timetable_on(state: ClassState, date: dt.date) -> tuple[TimetableSlot, ...]:
    """The timetable in force on the date: the latest one effective then (empty if none)."""
    current: tuple[TimetableSlot, ...] = ()
    for effective_from, slots in state.timetables:
        if effective_from <= date:
            current = slots
    return current


def is_assigned(state: ClassState, teacher_id: str, subject_id: str, group: str | None) -> bool:
    """Whether the teacher teaches the subject to the class (or that group of it)."""
    return (teacher_id, subject_id, group) in state.assignments


def lessons_from_timetable(
    state: ClassState, school: SchoolConfig, class_id: str, start: dt.date, end: dt.date
) -> list[ScheduleLesson]:
    """The lessons the timetable puts on every school-year day in [start, end].

    Lesson ids are deterministic (`<class>-<yyyymmdd>-<slot>[-<group>]`), so planning a range
    twice names the same lessons. Slots whose assignment has ended are left out, and so are
    the days off and the days of a closed period of the class's grade (or of a sealed year),
    which take no new lessons.
    """
    planned: list[ScheduleLesson] = []
    day = start
    while day <= end:
        if (
            within_year(school, day)
            and lesson_lock(school, day, state.grade) is None
            and school.plan.day_off(day) is None
        ):
            planned.extend(
                _lesson_of(class_id, day, slot)
                for slot in timetable_on(state, day)
                if slot.weekday == day.isoweekday()
                and is_assigned(state, slot.teacher_id, slot.subject_id, slot.group)
            )
        day += dt.timedelta(days=1)
    return planned


def decide(
    cmd: ClassCommand, state: ClassState, *, actor: Actor, school: SchoolConfig
) -> list[Event]:
    """Decide a class command against the class and the school's configuration."""
    require_admin(actor, "managing classes")
    _require_open_year(school)
    match cmd:
        case OpenClass():
            if state.opened:
                msg = f"class '{state.class_id}' is already open"
                raise AlreadyExists(msg)
            return [_open(cmd)]
        case AssignClassTeacher():
            _require_opened(state)
            if state.class_teacher_id == cmd.class_teacher_id:
                msg = f"'{cmd.class_teacher_id}' is already the class teacher of '{state.class_id}'"
                raise NothingToChange(msg)
            return [ClassTeacherAssigned(class_teacher_id=cmd.class_teacher_id)]
        case AddPupilToClass():
            return [_join(cmd, _require_opened(state), school)]
        case RemovePupilFromClass():
            return [_leave(cmd, _require_opened(state), school)]
        case AssignTeaching() | UnassignTeaching():
            return [_teaching(cmd, _require_opened(state), school)]
        case SetTimetable() | DraftTimetable() | ConfirmTimetableDraft():
            return [_timetables(cmd, _require_opened(state), school)]
        case _:
            raise TypeError(f"not a class command: {cmd!r}")


def evolve(state: ClassState, event: Event) -> ClassState:
    """The class after one event; other events leave it alone."""
    match event:
        case ClassOpened():
            return replace(
                state,
                opened=True,
                class_id=event.class_id,
                grade=event.grade,
                label=event.label,
                class_teacher_id=event.class_teacher_id,
            )
        case ClassTeacherAssigned():
            return replace(state, class_teacher_id=event.class_teacher_id)
        case PupilJoinedClass() | PupilLeftClass():
            return replace(state, memberships=_members_after(state.memberships, event))
        case TeachingAssigned() | TeachingUnassigned():
            key = {(event.teacher_id, event.subject_id, event.group)}
            added = isinstance(event, TeachingAssigned)
            assignments = state.assignments | key if added else state.assignments - key
            return replace(state, assignments=assignments)
        case TimetableSet() | TimetableDrafted():
            return _evolve_timetable(state, event)
        case _:
            return state


def _evolve_timetable(state: ClassState, event: TimetableSet | TimetableDrafted) -> ClassState:
    """A timetable set replaces the one from its day on, and any proposal."""
    if isinstance(event, TimetableDrafted):
        return replace(state, draft=event)
    others = [t for t in state.timetables if t[0] != event.effective_from]
    timetables = sorted([*others, (event.effective_from, event.slots)], key=lambda t: t[0])
    return replace(state, timetables=tuple(timetables), draft=None)


def _members_after(
    members: Mapping[str, tuple[Interval, ...]], event: PupilJoinedClass | PupilLeftClass
) -> Mapping[str, tuple[Interval, ...]]:
    intervals = members.get(event.pupil_id, ())
    if isinstance(event, PupilJoinedClass):
        intervals = (*intervals, (event.since, None))
    else:
        intervals = tuple((s, event.last_day if last is None else last) for s, last in intervals)
    return {**members, event.pupil_id: intervals}


def _covers(interval: Interval, date: dt.date) -> bool:
    since, last_day = interval
    return since <= date and (last_day is None or date <= last_day)


def _open(cmd: OpenClass) -> ClassOpened:
    return ClassOpened(
        class_id=cmd.class_id,
        grade=cmd.grade,
        label=cmd.label,
        class_teacher_id=cmd.class_teacher_id,
    )


def _lesson_of(class_id: str, day: dt.date, slot: TimetableSlot) -> ScheduleLesson:
    lesson_id = f"{class_id}-{day:%Y%m%d}-{slot.slot}"
    if slot.group is not None:
        lesson_id = f"{lesson_id}-{slot.group}"
    return ScheduleLesson(
        lesson_id=lesson_id,
        class_id=class_id,
        subject_id=slot.subject_id,
        date=day,
        slot=slot.slot,
        teacher_id=slot.teacher_id,
        group=slot.group,
    )


def _require_open_year(school: SchoolConfig) -> None:
    if not school.opened:
        msg = "classes need an opened school year"
        raise SchoolYearNotOpen(msg)
    if school.sealed:  # closed by the rollover: the year's roster stays as it ended
        msg = "the school year is closed: its classes no longer change"
        raise YearClosed(msg)


def _require_opened(state: ClassState) -> ClassState:
    if not state.opened:
        msg = "the class has not been opened"
        raise ClassNotFound(msg)
    return state


def _require_in_year(school: SchoolConfig, date: dt.date, what: str) -> None:
    if not within_year(school, date):
        msg = f"{what} {date} is outside the school year ({school.starts_on} .. {school.ends_on})"
        raise DateOutsideSchoolYear(msg)


def _require_subject(school: SchoolConfig, subject_id: str) -> None:
    if subject_id not in school.subjects:
        msg = f"subject '{subject_id}' is not defined by the school"
        raise UnknownSubject(msg)


def _join(cmd: AddPupilToClass, state: ClassState, school: SchoolConfig) -> PupilJoinedClass:
    _require_in_year(school, cmd.since, "the joining date")
    for since, last_day in state.memberships.get(cmd.pupil_id, ()):
        if last_day is None or last_day >= cmd.since:
            until = "on" if last_day is None else f"until {last_day}"
            msg = (
                f"pupil '{cmd.pupil_id}' already belongs to class '{state.class_id}' "
                f"from {since} {until}, so cannot join on {cmd.since}"
            )
            raise PupilAlreadyInClass(msg)
    return PupilJoinedClass(pupil_id=cmd.pupil_id, since=cmd.since)


def _leave(cmd: RemovePupilFromClass, state: ClassState, school: SchoolConfig) -> PupilLeftClass:
    """The pupil's open membership ends on the last day; a withdrawal (the rollover's undo of a
    move) ends it the day before it began, as if the pupil never belonged to the class."""
    if not cmd.reason.strip():
        msg = f"removing pupil '{cmd.pupil_id}' from the class needs a reason"
        raise ReasonRequired(msg)
    current = [s for s, last in state.memberships.get(cmd.pupil_id, ()) if last is None]
    withdrawn = cmd.withdraw and bool(current) and current[0] == cmd.last_day + dt.timedelta(1)
    _require_in_year(school, current[0] if withdrawn else cmd.last_day, "the last day")
    if not current or (current[0] > cmd.last_day and not withdrawn):
        msg = (
            f"pupil '{cmd.pupil_id}' is not a member of class '{state.class_id}' on {cmd.last_day}"
        )
        raise PupilNotInClass(msg)
    return PupilLeftClass(pupil_id=cmd.pupil_id, last_day=cmd.last_day, reason=cmd.reason)


def _teaching(
    cmd: AssignTeaching | UnassignTeaching, state: ClassState, school: SchoolConfig
) -> TeachingAssigned | TeachingUnassigned:
    present = is_assigned(state, cmd.teacher_id, cmd.subject_id, cmd.group)
    group = "" if cmd.group is None else f" (group '{cmd.group}')"
    what = f"'{cmd.teacher_id}' teaching '{cmd.subject_id}'{group} in class '{state.class_id}'"
    fields = {"teacher_id": cmd.teacher_id, "subject_id": cmd.subject_id, "group": cmd.group}
    if isinstance(cmd, UnassignTeaching):
        if not present:
            msg = f"there is no assignment of {what}"
            raise AssignmentNotFound(msg)
        return TeachingUnassigned.model_validate(fields)
    _require_subject(school, cmd.subject_id)
    if present:
        msg = f"{what} is already assigned"
        raise AlreadyExists(msg)
    return TeachingAssigned.model_validate(fields)


def _timetable(cmd: SetTimetable, state: ClassState, school: SchoolConfig) -> TimetableSet:
    _require_in_year(school, cmd.effective_from, "the timetable's first day")
    for slot in cmd.slots:
        _require_subject(school, slot.subject_id)
        if not is_assigned(state, slot.teacher_id, slot.subject_id, slot.group):
            msg = (
                f"'{slot.teacher_id}' is not assigned to teach '{slot.subject_id}'"
                f"{'' if slot.group is None else f' (group {slot.group!r})'} in this class, "
                f"so cannot take weekday {slot.weekday} slot {slot.slot}"
            )
            raise TeacherNotAssigned(msg)
    for one, other in combinations(cmd.slots, 2):
        if _clash(one, other):
            msg = (
                f"weekday {one.weekday} slot {one.slot} holds both '{one.subject_id}' "
                f"({one.teacher_id}, group {one.group}) and '{other.subject_id}' "
                f"({other.teacher_id}, group {other.group})"
            )
            raise TimetableClash(msg)
    return TimetableSet(effective_from=cmd.effective_from, slots=cmd.slots)


def _timetables(
    cmd: SetTimetable | DraftTimetable | ConfirmTimetableDraft,
    state: ClassState,
    school: SchoolConfig,
) -> TimetableDrafted | TimetableSet:
    """A proposed timetable passes the checks a set one does; confirming sets it as it is."""
    if isinstance(cmd, SetTimetable):
        return _timetable(cmd, state, school)
    if isinstance(cmd, ConfirmTimetableDraft):
        draft = state.draft
        if draft is None:
            msg = f"class '{state.class_id}' has no proposed timetable to confirm"
            raise NoTimetableDraft(msg)
        return _timetable(SetTimetable(draft.effective_from, draft.slots), state, school)
    checked = _timetable(SetTimetable(cmd.effective_from, cmd.slots), state, school)
    drafted = TimetableDrafted(
        effective_from=checked.effective_from, slots=checked.slots, source=cmd.source
    )
    if drafted == state.draft:
        msg = f"class '{state.class_id}' already has this timetable proposed"
        raise NothingToChange(msg)
    return drafted


def _clash(one: TimetableSlot, other: TimetableSlot) -> bool:
    if (one.weekday, one.slot) != (other.weekday, other.slot):
        return False
    same_group = one.group is None or other.group is None or one.group == other.group
    return same_group or one.teacher_id == other.teacher_id
