"""What a generated demo holds: counts for reports and tests, and every name in it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from demo.model import DemoSchool
from services.journal.domain import commands as c


@dataclass(frozen=True, slots=True)
class Summary:
    """Counts of what the demo's steps record."""

    steps: int
    pupils: int
    staff: int
    classes: int
    lessons: int
    held_lessons: int
    cancelled_lessons: int
    substitutions: int
    marks: int
    corrections: int
    cancelled_marks: int
    absences: int
    lates: int
    absence_reasons: int
    moves: int


def summary(demo: DemoSchool) -> Summary:
    """Count the demo's people, lessons, marks, absences and corrections."""
    kinds = Counter(type(step.command).__name__ for step in demo.steps)
    saves = [s.command for s in demo.steps if isinstance(s.command, c.SaveLessonEntries)]
    noted = Counter(a.kind for save in saves for a in save.attendance or ())
    return Summary(
        steps=len(demo.steps),
        pupils=kinds["RegisterPupil"],
        staff=kinds["RegisterStaffMember"],
        classes=kinds["OpenClass"],
        lessons=kinds["ScheduleLesson"],
        held_lessons=len(saves),
        cancelled_lessons=kinds["CancelLesson"],
        substitutions=kinds["SubstituteTeacher"],
        marks=sum(len(save.marks) for save in saves),
        corrections=kinds["CorrectMark"],
        cancelled_marks=kinds["CancelMark"],
        absences=noted["absent"],
        lates=noted["late"],
        absence_reasons=kinds["SetAbsenceReason"],
        moves=kinds["RemovePupilFromClass"],
    )


def all_names(demo: DemoSchool) -> set[str]:
    """Every full name of a pupil or member of staff in the demo (for PII scans)."""
    return {
        step.command.full_name
        for step in demo.steps
        if isinstance(step.command, c.RegisterPupil | c.RegisterStaffMember)
    }
