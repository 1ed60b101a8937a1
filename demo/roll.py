"""Who belongs to which class on a date, and the lessons that follow each one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from demo.plan import LessonPlan, Plan

Interval = tuple[str, dt.date, dt.date | None]  # (pupil, since, last day or None)


class Roll:
    """The classes' members over the year, after the planned moves."""

    def __init__(self, plan: Plan, starts_on: dt.date) -> None:
        self._members: dict[str, list[Interval]] = {
            k.class_id: [(p, starts_on, None) for p in k.pupils] for k in plan.classes
        }
        for move in plan.moves:
            last_day = move.day - dt.timedelta(days=1)
            self._members[move.from_class] = [
                (p, since, last_day if p == move.pupil_id and last is None else last)
                for p, since, last in self._members[move.from_class]
            ]
            self._members[move.to_class].append((move.pupil_id, move.day, None))

    def on(self, class_id: str, day: dt.date) -> list[str]:
        """The class's pupils on the day, in the order they joined."""
        return [
            pupil
            for pupil, since, last in self._members[class_id]
            if since <= day and (last is None or day <= last)
        ]


def next_lessons(lessons: Sequence[LessonPlan]) -> dict[str, dt.date]:
    """For each lesson, the date of the next lesson of its class and subject on a later day."""
    by_course: dict[tuple[str, str], list[LessonPlan]] = {}
    for lesson in lessons:
        by_course.setdefault((lesson.class_id, lesson.subject_id), []).append(lesson)
    following: dict[str, dt.date] = {}
    for course in by_course.values():
        for i, lesson in enumerate(course):  # lessons come in date order
            later = next((x.date for x in course[i + 1 :] if x.date > lesson.date), None)
            if later is not None:
                following[lesson.lesson_id] = later
    return following
