"""Commands of a class: opening it, its teacher, its pupils, who teaches it what, its timetable."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from contracts.journal import TimetableSlot


@dataclass(frozen=True, slots=True)
class OpenClass:
    class_id: str
    grade: int
    label: str
    class_teacher_id: str


@dataclass(frozen=True, slots=True)
class AssignClassTeacher:
    class_teacher_id: str


@dataclass(frozen=True, slots=True)
class AddPupilToClass:
    pupil_id: str
    since: dt.date


@dataclass(frozen=True, slots=True)
class RemovePupilFromClass:
    pupil_id: str
    last_day: dt.date
    reason: str
    # The rollover's undo of a move: the membership is withdrawn before it began (its last day
    # is the day before its first), as if the pupil had never belonged to the class.
    withdraw: bool = False


@dataclass(frozen=True, slots=True)
class AssignTeaching:
    teacher_id: str
    subject_id: str
    group: str | None = None


@dataclass(frozen=True, slots=True)
class UnassignTeaching:
    teacher_id: str
    subject_id: str
    group: str | None = None


@dataclass(frozen=True, slots=True)
class SetTimetable:
    effective_from: dt.date
    slots: tuple[TimetableSlot, ...]


@dataclass(frozen=True, slots=True)
class DraftTimetable:
    """Propose a timetable (the rollover's carry-over of the class's timetable before)."""

    effective_from: dt.date
    slots: tuple[TimetableSlot, ...]
    source: str


@dataclass(frozen=True, slots=True)
class ConfirmTimetableDraft:
    """The administrator confirms the proposed timetable: it is set as it stands."""


ClassCommand = (
    OpenClass
    | AssignClassTeacher
    | AddPupilToClass
    | RemovePupilFromClass
    | AssignTeaching
    | UnassignTeaching
    | SetTimetable
    | DraftTimetable
    | ConfirmTimetableDraft
)
