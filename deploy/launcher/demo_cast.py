"""Who of the generated demo school the launcher shows and enrolls: the school, year and class
of its examples, a teacher of class 5a, and the pupil, teachers and subject the demo's portal
users are about. Read from the deterministic generator (`demo.generate`), no I/O.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import demo
from services.journal.domain import commands as cmd

SCHOOL = "s1"
YEAR = 2026
DEMO_SEED = 2026
GRID_CLASS = "5a"
SIBLING_CLASS = "2a"
"""The class of the demo parent's second child (a younger one): a parent with two children is
what the portal's child chooser is for."""
FALLBACK_TEACHER = "t1"
"""Shown when the demo's teachers are unknown (no demo loaded, or the generator changed)."""


@functools.cache
def demo_steps() -> tuple[demo.Step, ...]:
    """The steps of the generated demo school, as the first run loads them."""
    return demo.generate(DEMO_SEED).steps


def find_demo_teacher() -> str | None:
    """A teacher who teaches in class 5a in the generated demo school, if any."""
    teachers = [s for s in demo_steps() if s.actor.role == "teacher"]
    in_class = [s for s in teachers if s.class_id == GRID_CLASS]
    first = next(iter(in_class or teachers), None)
    return first.actor.id if first is not None else None


@dataclass(frozen=True)
class DemoCast:
    """Who of the generated demo school the portal users are about (class 5a)."""

    class_id: str
    pupil: str
    pupil_name: str
    subject: str  # the subject teacher's subject in the class
    teacher: str  # teaches `subject` in the class; not the class teacher
    class_teacher: str


def find_demo_cast(class_id: str = GRID_CLASS) -> DemoCast | None:
    """A pupil who stays in `class_id` all term, the class teacher and another teacher of the
    class with their subject; None when there is none."""
    in_class = [s.command for s in demo_steps() if s.class_id == class_id]
    removed = {c.pupil_id for c in in_class if isinstance(c, cmd.RemovePupilFromClass)}
    pupils = [
        c.pupil_id
        for c in in_class
        if isinstance(c, cmd.AddPupilToClass) and c.pupil_id not in removed
    ]
    opened = [c for c in in_class if isinstance(c, cmd.OpenClass)]
    lessons = [c for c in in_class if isinstance(c, cmd.ScheduleLesson)]
    class_teacher = opened[0].class_teacher_id if opened else None
    others = [c for c in lessons if c.teacher_id != class_teacher]
    if not (pupils and class_teacher and others):
        return None
    return DemoCast(
        class_id,
        pupils[0],
        _names().get(pupils[0], pupils[0]),
        others[0].subject_id,
        others[0].teacher_id,
        class_teacher,
    )


def _names() -> dict[str, str]:
    """Every demo pupil's full name by id."""
    registered = (s.command for s in demo_steps())
    return {c.pupil_id: c.full_name for c in registered if isinstance(c, cmd.RegisterPupil)}


def mother_of(pupil_name: str) -> str:
    """A plausible full name for the demo pupil's mother (the surname in its feminine form)."""
    surname = pupil_name.split(" ", 1)[0]
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        surname += "а"
    elif surname.endswith("ий"):
        surname = surname[:-2] + "ая"
    return f"{surname} Елена Сергеевна"
