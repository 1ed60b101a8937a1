"""A class's day for a teacher UID, the pure part: the lessons of the subjects they see, each
with its time, subject, teacher, topic, homework and files, and how many marks and absences
were recorded (the pupils themselves are not listed: the diary holds no names).

Built from the diary's `ClassDay` answer; a lesson reads as on the family's pages
(`lesson_card`: the bell schedule's time, the staff directory's teacher name, files through
the portal's `/files/<id>`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from services.portal.domain.lesson_card import LessonCard, lesson_card
from services.portal.domain.plan_notes import DayOffNote, day_off_note


@dataclass(frozen=True, slots=True)
class ClassDayLesson:
    """A lesson of the class's day and the counts of what was recorded at it."""

    card: LessonCard
    marks: int
    absences: int


@dataclass(frozen=True, slots=True)
class ClassDayView:
    """The class's day and the days around it."""

    date: dt.date
    previous: dt.date
    next: dt.date
    lessons: tuple[ClassDayLesson, ...]
    day_off: DayOffNote | None = None
    """The holiday or vacation the day falls in."""


def class_day(answer: Mapping[str, Any]) -> ClassDayView:
    """The page of a `ClassDay` answer (lessons in the diary's order: by slot)."""
    day = dt.date.fromisoformat(str(answer["date"]))
    lessons = tuple(
        ClassDayLesson(
            # The card of a lesson without one pupil's marks: a class's are counted here.
            card=lesson_card({**lesson, "marks": (), "absence": None}),
            marks=len(lesson.get("marks") or ()),
            absences=len(lesson.get("absences") or ()),
        )
        for lesson in answer.get("lessons") or ()
    )
    one = dt.timedelta(days=1)
    found = answer.get("day_off")
    return ClassDayView(
        date=day,
        previous=day - one,
        next=day + one,
        lessons=lessons,
        day_off=day_off_note(found) if found else None,
    )
