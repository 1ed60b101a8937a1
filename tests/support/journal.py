"""Test support for the journal: a fixed clock, in-memory Deps and a small school to work on."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from contracts.envelope import Actor
from contracts.journal import Period, TimetableSlot
from contracts.media import DEFAULT_MEDIA_TYPES
from services.common.clock import Clock
from services.common.eventstore import EventStore
from services.common.eventstore_memory import InMemoryEventStore
from services.common.keystore import KeyStore
from services.common.keystore_memory import InMemoryKeyStore
from services.journal.adapters.object_store import InMemoryFiles
from services.journal.application import lessons, roster
from services.journal.application.handling import Meta
from services.journal.application.ports import Deps, FileLimits, FileStore
from services.journal.domain import commands as c
from services.journal.domain.school import DEFAULT_SCALE, DEFAULT_WORK_KINDS
from tests.support.clock import FakeClock

SCHOOL, YEAR = "s1", 2026
ADMIN = Actor(id="adm1", role="admin")
DEPUTY = Actor(id="dep1", role="deputy")
MATH_TEACHER = Actor(id="t-math", role="teacher")
RUSSIAN_TEACHER = Actor(id="t-rus", role="teacher")
CLASS_ID = "5a"
PUPILS = tuple(f"p{i:02d}" for i in range(1, 11))
NEWCOMER = "p99"  # joins the class on 2026-09-14
FIRST_MONDAY = dt.date(2026, 9, 7)
AFTER_TERM = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)  # every demo lesson lies before
_ids = itertools.count(1)


class NoViews:
    """Handlers never read the views; this stands in where a test needs none."""

    def __getattr__(self, name: str) -> Any:
        msg = f"views are not available in this test ({name})"
        raise AssertionError(msg)


def in_memory_deps(
    store: EventStore | None = None,
    *,
    files: FileStore | None = None,
    max_bytes: int = 1024,
    clock: Clock | None = None,
    keys: KeyStore | None = None,
) -> Deps:
    """Deps over in-memory adapters (or the given store, files, clock and key store: a test
    whose events other processes read gives the session's `key_store`)."""
    return Deps(
        store=store or InMemoryEventStore(),
        clock=clock or FakeClock(),
        files=files or InMemoryFiles(),
        views=NoViews(),
        file_limits=FileLimits(max_bytes, DEFAULT_MEDIA_TYPES),
        keys=keys or InMemoryKeyStore(),
    )


def meta(actor: Actor, command_id: str | None = None) -> Meta:
    """Command metadata for the test school."""
    cid = command_id or f"cmd-{next(_ids)}"
    return Meta(command_id=cid, correlation_id=cid, actor=actor, school=SCHOOL, year=YEAR)


def math_lesson_id(day: dt.date, slot: int = 1) -> str:
    """The id of a timetabled maths lesson of the test class."""
    return f"{CLASS_ID}-{day:%Y%m%d}-{slot}"


async def seed_small_school(deps: Deps) -> None:
    """A school with one class of ten pupils (one more from 14 September), maths on Monday
    slot 1 and Wednesday slot 2, Russian on Monday slot 2, lessons scheduled for September."""
    await roster.run_school(deps, meta(ADMIN), _open_year())
    await roster.run_school(deps, meta(ADMIN), c.ConfigureMarkScale("five", DEFAULT_SCALE))
    await roster.run_school(deps, meta(ADMIN), c.ConfigureWorkKinds(DEFAULT_WORK_KINDS))
    for subject, name in (("math", "Математика"), ("russian", "Русский язык")):
        await roster.run_school(deps, meta(ADMIN), c.DefineSubject(subject, name))
    for actor, name in ((MATH_TEACHER, "Иванова Анна Петровна"), (RUSSIAN_TEACHER, "Петров Олег")):
        cmd = c.RegisterStaffMember(actor.id, name, "учитель")
        await roster.register_staff(deps, meta(ADMIN), cmd)
    for number, pupil in enumerate((*PUPILS, NEWCOMER)):
        pupil_cmd = c.RegisterPupil(pupil, f"Ученик Номер {number}", dt.date(2015, 3, 1))
        await roster.register_pupil(deps, meta(ADMIN), pupil_cmd)
    await _seed_class(deps)
    await lessons.schedule_from_timetable(
        deps, meta(ADMIN), CLASS_ID, dt.date(2026, 9, 1), dt.date(2026, 9, 30)
    )


def _open_year() -> c.OpenSchoolYear:
    periods = (
        Period(
            period_id="q1",
            name="1 четверть",
            starts_on=dt.date(2026, 9, 1),
            ends_on=dt.date(2026, 10, 26),
        ),
        Period(
            period_id="q2",
            name="2 четверть",
            starts_on=dt.date(2026, 11, 5),
            ends_on=dt.date(2026, 12, 28),
        ),
    )
    return c.OpenSchoolYear("Школа № 1", dt.date(2026, 9, 1), dt.date(2027, 5, 31), periods)


async def _seed_class(deps: Deps) -> None:
    run = roster.run_class
    await run(deps, meta(ADMIN), CLASS_ID, c.OpenClass(CLASS_ID, 5, "5А", RUSSIAN_TEACHER.id))
    for pupil in PUPILS:
        await run(deps, meta(ADMIN), CLASS_ID, c.AddPupilToClass(pupil, dt.date(2026, 9, 1)))
    await run(deps, meta(ADMIN), CLASS_ID, c.AddPupilToClass(NEWCOMER, dt.date(2026, 9, 14)))
    await run(deps, meta(ADMIN), CLASS_ID, c.AssignTeaching(MATH_TEACHER.id, "math"))
    await run(deps, meta(ADMIN), CLASS_ID, c.AssignTeaching(RUSSIAN_TEACHER.id, "russian"))
    slots = (
        TimetableSlot(weekday=1, slot=1, subject_id="math", teacher_id=MATH_TEACHER.id),
        TimetableSlot(weekday=1, slot=2, subject_id="russian", teacher_id=RUSSIAN_TEACHER.id),
        TimetableSlot(weekday=3, slot=2, subject_id="math", teacher_id=MATH_TEACHER.id),
    )
    await run(deps, meta(ADMIN), CLASS_ID, c.SetTimetable(dt.date(2026, 9, 1), slots))
