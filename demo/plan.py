"""The planned school, before it is written as commands: people, classes, timetable, lessons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from contracts.journal import TimetableSlot


@dataclass(frozen=True, slots=True)
class Pupil:
    """A pupil and how well they do (`ability`: about -2 .. 2, 0 is the average)."""

    pupil_id: str
    full_name: str
    birth_date: dt.date
    ability: float


@dataclass(frozen=True, slots=True)
class StaffMember:
    """A member of staff; `discipline_id` is empty for those who do not teach."""

    staff_id: str
    full_name: str
    position: str
    discipline_id: str = ""


@dataclass(frozen=True, slots=True)
class ClassPlan:
    """A class and the pupils it starts the year with."""

    class_id: str
    grade: int
    label: str
    pupils: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Staffing:
    """Who teaches: the teachers, each class's subjects and their teachers, class teachers."""

    teachers: tuple[StaffMember, ...]
    assignments: Mapping[str, Mapping[str, str]]  # class -> subject -> teacher
    class_teachers: Mapping[str, str]  # class -> teacher


@dataclass(frozen=True, slots=True)
class Move:
    """A pupil changes class: the old class ends the day before `day`, the new one starts."""

    pupil_id: str
    from_class: str
    to_class: str
    day: dt.date


@dataclass(frozen=True, slots=True)
class LessonPlan:
    """One timetabled lesson of the term."""

    lesson_id: str
    class_id: str
    subject_id: str
    date: dt.date
    slot: int
    teacher_id: str


@dataclass(frozen=True, slots=True)
class Plan:
    """The whole planned school year, as the steps are written from it."""

    school: str
    year: int
    classes: tuple[ClassPlan, ...]
    pupils: tuple[Pupil, ...]
    officials: tuple[StaffMember, ...]  # the head, the deputy, the administrator
    staffing: Staffing
    timetables: Mapping[str, tuple[TimetableSlot, ...]]
    lessons: tuple[LessonPlan, ...]
    moves: tuple[Move, ...]
