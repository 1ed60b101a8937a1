"""The plan of the school year: who is there, the timetable, the term's lessons, the moves."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence

from contracts.journal import TimetableSlot
from demo.classes import plan_classes
from demo.names import NamePicker
from demo.plan import ClassPlan, LessonPlan, Move, Plan, StaffMember
from demo.staffing import plan_staffing
from demo.timetable import build_timetables
from services.journal.application.ids import lesson_id

OFFICIALS = (
    ("head1", "директор", "f"),
    ("dep1", "заместитель директора по учебно-воспитательной работе", "f"),
    ("adm1", "администратор электронного журнала", "m"),
)
PUPILS_PER_MOVE = 250


def build_plan(
    rng: random.Random,
    school: str,
    year: int,
    pupils_target: int,
    days: Sequence[dt.date],
    entry_days: Sequence[dt.date],
) -> Plan:
    """Plan the school on the term's days; pupils move only on days that get entries."""
    names = NamePicker(rng)
    officials = tuple(
        StaffMember(staff_id, names.adult("f" if sex == "f" else "m"), position)
        for staff_id, position, sex in OFFICIALS
    )
    classes, pupils = plan_classes(rng, names, year, pupils_target)
    staffing = plan_staffing(rng, names, classes)
    timetables = build_timetables(rng, classes, staffing.assignments)
    return Plan(
        school=school,
        year=year,
        classes=classes,
        pupils=pupils,
        officials=officials,
        staffing=staffing,
        timetables=timetables,
        lessons=plan_lessons(days, classes, timetables),
        moves=plan_moves(rng, classes, entry_days, len(pupils) // PUPILS_PER_MOVE or 1),
    )


def plan_lessons(
    days: Sequence[dt.date],
    classes: Sequence[ClassPlan],
    timetables: Mapping[str, tuple[TimetableSlot, ...]],
) -> tuple[LessonPlan, ...]:
    """Every timetabled lesson on the days, by day, class and slot; ids as the journal
    schedules them from the timetable (`<class>-<yyyymmdd>-<slot>`)."""
    return tuple(
        LessonPlan(
            lesson_id=lesson_id(klass.class_id, f"{day:%Y%m%d}", slot.slot),
            class_id=klass.class_id,
            subject_id=slot.subject_id,
            date=day,
            slot=slot.slot,
            teacher_id=slot.teacher_id,
        )
        for day in days
        for klass in classes
        for slot in timetables[klass.class_id]
        if slot.weekday == day.isoweekday()
    )


def plan_moves(
    rng: random.Random, classes: Sequence[ClassPlan], days: Sequence[dt.date], count: int
) -> tuple[Move, ...]:
    """A few pupils move to a parallel class on a day in the middle of the term."""
    middle = days[len(days) // 3 : 2 * len(days) // 3 + 1]
    movable = [k for k in classes if any(o.grade == k.grade and o != k for o in classes)]
    if len(days) < 3 or not movable:
        return ()
    moves: list[Move] = []
    moved: set[str] = set()
    for _ in range(count):
        klass = rng.choice(movable)
        pupil_id = rng.choice([p for p in klass.pupils if p not in moved])
        target = rng.choice([o for o in classes if o.grade == klass.grade and o != klass])
        moves.append(Move(pupil_id, klass.class_id, target.class_id, rng.choice(middle)))
        moved.add(pupil_id)
    return tuple(sorted(moves, key=lambda m: m.day))
