"""The givens shared by the journal's domain tests: a school year, a class, its actors and a lesson.

The lesson tests (scheduling, entries and the properties of the fold and the decider) all start
from the same school configuration, the same class 5А and the same people. The pieces are kept
separate so that a test needing a slightly different world folds its own from them.

Pure: the standard library, contracts and the journal's domain.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import reduce

from contracts.base import Event
from contracts.envelope import Actor
from contracts.journal import (
    Attachment,
    ClassOpened,
    LessonScheduled,
    MarkEntry,
    MarkRecorded,
    MarkScaleConfigured,
    Period,
    PupilJoinedClass,
    PupilLeftClass,
    SchoolYearOpened,
    SubjectDefined,
    TeachingAssigned,
    WorkKindsConfigured,
)
from services.journal.domain import commands as c
from services.journal.domain import klass, lesson, school
from services.journal.domain.school import DEFAULT_SCALE, DEFAULT_WORK_KINDS

# ---------------------------------------------------------------- dates

START, END = dt.date(2026, 9, 1), dt.date(2027, 5, 31)
"""The first and last day of the school year (a single period spans it)."""
MONDAY = dt.date(2026, 9, 7)
"""The day of the scheduled lesson."""
TODAY = dt.date(2026, 10, 1)
"""A day well after the lesson, when everything about it may be entered."""

# ---------------------------------------------------------------- actors

TEACHER = Actor(id="t-math", role="teacher")
"""The mathematics teacher, assigned to 5А and the timetabled teacher of the lesson."""
OTHER_TEACHER = Actor(id="t-other", role="teacher")
"""A teacher with nothing to do with the lesson (until made its substitute)."""
CLASS_TEACHER = Actor(id="t-rus", role="teacher")
"""The class teacher of 5А."""
ADMIN = Actor(id="adm1", role="admin")
"""The school's administrator."""
DEPUTY = Actor(id="dep1", role="deputy")
"""The deputy head."""

# ---------------------------------------------------------------- the school

SCHOOL_YEAR: tuple[Event, ...] = (
    SchoolYearOpened(
        school_name="Школа № 1",
        starts_on=START,
        ends_on=END,
        periods=(Period(period_id="q1", name="1 четверть", starts_on=START, ends_on=END),),
    ),
    MarkScaleConfigured(scale_id="five", values=DEFAULT_SCALE),
    WorkKindsConfigured(kinds=DEFAULT_WORK_KINDS),
)
"""The year opened with the default scale and kinds of work, and no subject defined yet."""
MATH_DEFINED = SubjectDefined(subject_id="math", name="Математика")
"""Mathematics defined as a subject of the school."""


def school_after(*events: Event) -> school.SchoolConfig:
    """The school configuration after the given events."""
    return reduce(school.evolve, events, school.INITIAL)


SCHOOL = school_after(*SCHOOL_YEAR, MATH_DEFINED)
"""The school year with mathematics defined."""

# ---------------------------------------------------------------- the class

CLASS_ROLL: tuple[Event, ...] = (
    ClassOpened(class_id="5a", grade=5, label="5А", class_teacher_id="t-rus"),
    PupilJoinedClass(pupil_id="p01", since=START),
    PupilJoinedClass(pupil_id="p02", since=START),
    PupilJoinedClass(pupil_id="p03", since=START),
    PupilLeftClass(pupil_id="p03", last_day=dt.date(2026, 9, 4), reason="переезд"),
    PupilJoinedClass(pupil_id="p99", since=dt.date(2026, 9, 14)),
)
"""5А opened with p01 and p02; p03 left before MONDAY and p99 joins after it. No teaching yet."""
MATH_ASSIGNED = TeachingAssigned(teacher_id="t-math", subject_id="math")
"""The mathematics teacher assigned to teach mathematics in 5А."""


def class_after(*events: Event) -> klass.ClassState:
    """The class after the given events."""
    return reduce(klass.evolve, events, klass.INITIAL)


CLASS = class_after(*CLASS_ROLL, MATH_ASSIGNED)
"""5А with its pupils and its mathematics teacher."""

# ---------------------------------------------------------------- the lesson

SCHEDULED = LessonScheduled(
    lesson_id="5a-20260907-1",
    class_id="5a",
    subject_id="math",
    date=MONDAY,
    slot=1,
    teacher_id="t-math",
)
"""A mathematics lesson of 5А on MONDAY, first slot, with TEACHER."""
ATTACHMENT = Attachment(
    attachment_id="f1", name="task.pdf", size=10, media_type="application/pdf", sha256="a" * 64
)
"""A homework file."""


def lesson_after(*events: Event) -> lesson.LessonState:
    """The lesson after the given events."""
    return reduce(lesson.evolve, events, lesson.INITIAL)


def new_mark(
    mark_id: str = "m1", pupil: str = "p01", value: str = "5", kind: str = "classwork"
) -> c.NewMark:
    """A mark as the teacher enters it."""
    return c.NewMark(mark_id, pupil, value, kind)


def recorded(
    mark_id: str = "m1",
    pupil: str = "p01",
    value: str = "5",
    kind: str = "classwork",
    weight: int = 1,
) -> MarkRecorded:
    """The event of a mark recorded, with the weight of its kind of work."""
    entry = MarkEntry(
        mark_id=mark_id, pupil_id=pupil, value=value, work_kind_id=kind, weight=Decimal(weight)
    )
    return MarkRecorded(mark=entry)
