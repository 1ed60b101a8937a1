"""Teachers and what they teach: a primary teacher per primary class, specialists sharing
the other subjects in contiguous runs of classes, and a class teacher for every class."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from demo.curriculum import (
    PRIMARY,
    SPECIALISTS,
    TARGET_LOAD,
    Discipline,
    discipline_of,
    weekly_hours,
)
from demo.names import NamePicker, Sex
from demo.plan import ClassPlan, Staffing, StaffMember

# Share of women among the teachers of a discipline (the rest: 0.85).
_WOMEN = {"pe": 0.45, "physics": 0.55, "informatics": 0.5, "technology": 0.5, "primary": 0.97}
Bundle = tuple[ClassPlan, tuple[str, ...], int]  # a class, the discipline's subjects there, hours


class _Staffroom:
    """Hires teachers and records their assignments."""

    def __init__(self, rng: random.Random, names: NamePicker) -> None:
        self.rng = rng
        self.names = names
        self.teachers: list[StaffMember] = []
        self.assignments: dict[str, dict[str, str]] = {}
        self.hours: dict[tuple[str, str], int] = {}  # (teacher, class) -> weekly hours

    def hire(self, discipline: Discipline) -> StaffMember:
        sex: Sex = "f" if self.rng.random() < _WOMEN.get(discipline.discipline_id, 0.85) else "m"
        staff_id = f"t{len(self.teachers) + 1:03d}"
        teacher = StaffMember(
            staff_id, self.names.adult(sex), discipline.position, discipline.discipline_id
        )
        self.teachers.append(teacher)
        return teacher

    def assign(self, teacher: StaffMember, bundle: Bundle) -> None:
        klass, subjects, hours = bundle
        for subject_id in subjects:
            self.assignments.setdefault(klass.class_id, {})[subject_id] = teacher.staff_id
        self.hours[teacher.staff_id, klass.class_id] = hours


def plan_staffing(rng: random.Random, names: NamePicker, classes: Sequence[ClassPlan]) -> Staffing:
    """Hire and assign every teacher the classes need; pick each class's class teacher."""
    room = _Staffroom(rng, names)
    class_teachers: dict[str, str] = {}
    for klass in classes:
        bundle = _bundle(klass, PRIMARY)
        if bundle is not None:
            teacher = room.hire(PRIMARY)
            room.assign(teacher, bundle)
            class_teachers[klass.class_id] = teacher.staff_id
    for discipline in SPECIALISTS:
        bundles = [b for k in classes if (b := _bundle(k, discipline)) is not None]
        _share(room, discipline, bundles)
    for klass in classes:
        if klass.class_id not in class_teachers:
            class_teachers[klass.class_id] = _class_teacher(room, klass, class_teachers)
    ordered = {k.class_id: room.assignments[k.class_id] for k in classes}
    return Staffing(tuple(room.teachers), ordered, class_teachers)


def _bundle(klass: ClassPlan, discipline: Discipline) -> Bundle | None:
    hours = weekly_hours(klass.grade)
    subjects = tuple(s for s in hours if discipline_of(klass.grade, s) == discipline)
    if not subjects:
        return None
    return klass, subjects, sum(hours[s] for s in subjects)


def _share(room: _Staffroom, discipline: Discipline, bundles: Sequence[Bundle]) -> None:
    """Split the classes, in order, into runs of about equal hours, one run per teacher."""
    total = sum(hours for _, _, hours in bundles)
    if not total:
        return
    count = max(1, math.ceil(total / TARGET_LOAD))
    teachers = [room.hire(discipline) for _ in range(count)]
    done = 0
    for bundle in bundles:
        middle = done + bundle[2] / 2
        room.assign(teachers[min(count - 1, int(middle * count / total))], bundle)
        done += bundle[2]


def _class_teacher(room: _Staffroom, klass: ClassPlan, taken: dict[str, str]) -> str:
    """The teacher with most hours in the class who leads no class yet (else anyone free)."""
    busy = set(taken.values())
    candidates = sorted(
        (-hours, staff_id)
        for (staff_id, class_id), hours in room.hours.items()
        if class_id == klass.class_id and staff_id not in busy
    )
    if candidates:
        return candidates[0][1]
    free = [t.staff_id for t in room.teachers if t.staff_id not in busy]
    return room.rng.choice(free) if free else room.rng.choice(room.teachers).staff_id
