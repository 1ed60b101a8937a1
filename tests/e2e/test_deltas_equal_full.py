"""Delta + delta + … equals full, on the real servers, for generated journal histories.

Each example records a random history through the journal's handlers (marks, corrections,
cancellations, attendance and reasons set later, topics, substitutions, cancelled lessons, a
pupil leaving the class, late edits of old lessons) with daily exports at random points, which
the diary applies. Then one full reconciliation is exported: the diary must find nothing to
change (no record missing, extra or different) and its tables must stay exactly as the deltas
left them.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import itertools

import nats
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.journal import AbsenceEntry
from contracts.streams import JOURNAL
from services.common.eventstore_jetstream import JetStreamEventStore
from services.common.keystore_pg import PgKeyStore
from services.diary import bootstrap as diary_bootstrap
from services.exporter import bootstrap as exporter_bootstrap
from services.exporter.application.exporting import export
from services.journal.application import lessons, roster
from services.journal.domain import commands as c
from services.journal.domain.errors import DomainError
from tests.support.fixtures import fresh_streams
from tests.support.journal import (
    ADMIN,
    CLASS_ID,
    DEPUTY,
    FIRST_MONDAY,
    MATH_TEACHER,
    PUPILS,
    RUSSIAN_TEACHER,
    in_memory_deps,
    math_lesson_id,
    meta,
    seed_small_school,
)
from tests.support.running import diary_settings, exporter_settings
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e

SCHOOL, YEAR = "s1", 2026
WEEK = dt.timedelta(days=7)
# (lesson id, its timetabled teacher): maths on Mondays and Wednesdays, Russian on Mondays.
LESSONS = (
    *((math_lesson_id(FIRST_MONDAY + k * WEEK), MATH_TEACHER) for k in range(3)),
    *(
        (math_lesson_id(FIRST_MONDAY + k * WEEK + dt.timedelta(days=2), 2), MATH_TEACHER)
        for k in range(2)
    ),
    *((math_lesson_id(FIRST_MONDAY + k * WEEK, 2), RUSSIAN_TEACHER) for k in range(2)),
)
_example = itertools.count()

lesson_no = st.integers(0, len(LESSONS) - 1)
pupil_no = st.integers(0, len(PUPILS) - 1)
steps = st.one_of(
    st.tuples(
        st.just("mark"),
        lesson_no,
        pupil_no,
        st.sampled_from(("2", "3", "4", "5", "н/а")),
        st.sampled_from(("test", "oral", "classwork")),
    ),
    st.tuples(st.just("correct"), lesson_no, st.integers(0, 5), st.sampled_from("2345")),
    st.tuples(st.just("cancel_mark"), lesson_no, st.integers(0, 5)),
    st.tuples(st.just("attendance"), lesson_no, st.frozensets(pupil_no, max_size=3)),
    st.tuples(
        st.just("reason"), lesson_no, pupil_no, st.sampled_from(("illness", "valid", "unexcused"))
    ),
    st.tuples(st.just("topic"), lesson_no, st.sampled_from(("Дроби", "Уравнения", "Причастия"))),
    st.tuples(st.just("held"), lesson_no),
    st.tuples(st.just("cancel"), lesson_no),
    st.tuples(st.just("substitute"), lesson_no),
    st.tuples(st.just("leave"), pupil_no),
    # The staff directory: teaching assigned and ended (in a group, beside the seeded ones),
    # a teacher renamed.
    st.tuples(
        st.just("teaching"),
        st.sampled_from((MATH_TEACHER.id, RUSSIAN_TEACHER.id)),
        st.sampled_from(("math", "russian")),
        st.booleans(),
    ),
    st.tuples(
        st.just("rename"),
        st.sampled_from((MATH_TEACHER.id, RUSSIAN_TEACHER.id)),
        st.sampled_from(("Смирнова Анна Петровна", "Петров Олег Ильич", "Иванова Анна Петровна")),
    ),
    st.tuples(st.just("export")),
)


class History:
    """Sends generated steps to the journal, remembering mark ids and teachers of record."""

    def __init__(self, journal) -> None:
        self.journal = journal
        self.marks: dict[int, list[str]] = {}
        self.teachers = {n: teacher for n, (_, teacher) in enumerate(LESSONS)}
        self.ids = itertools.count()

    async def lesson(self, n: int, cmd, actor=None) -> None:
        lesson_id = LESSONS[n][0]
        # The journal's rules may refuse a generated step (a mark on a cancelled lesson...).
        with contextlib.suppress(DomainError):
            await lessons.run(
                self.journal, meta(actor or self.teachers[n]), CLASS_ID, lesson_id, cmd
            )

    async def staff(self, step: tuple) -> None:
        kind, teacher, *args = step
        if kind == "teaching":
            subject, assign = args
            cls = c.AssignTeaching if assign else c.UnassignTeaching
            with contextlib.suppress(DomainError):
                await roster.run_class(
                    self.journal, meta(ADMIN), CLASS_ID, cls(teacher, subject, "g1")
                )
        else:
            cmd = c.RegisterStaffMember(teacher, args[0], "учитель")
            with contextlib.suppress(DomainError):  # the same details again
                await roster.register_staff(self.journal, meta(ADMIN), cmd)

    async def step(self, step: tuple) -> None:  # noqa: C901 - one branch per kind of step
        kind, *args = step
        if kind in {"teaching", "rename"}:
            await self.staff(step)
        elif kind == "mark":
            n, pupil, value, work = args
            mark_id = f"m{next(self.ids)}"
            await self.lesson(n, c.RecordMark(c.NewMark(mark_id, PUPILS[pupil], value, work)))
            self.marks.setdefault(n, []).append(mark_id)
        elif kind in {"correct", "cancel_mark"}:
            n, k, *value = args
            ids = self.marks.get(n, [])
            if not ids:
                return
            mark_id = ids[k % len(ids)]
            cmd = (
                c.CorrectMark(mark_id, value[0], "test", "пересчёт")
                if kind == "correct"
                else c.CancelMark(mark_id, "ошибка")
            )
            await self.lesson(n, cmd)
        elif kind == "attendance":
            n, absent = args
            entries = tuple(AbsenceEntry(pupil_id=PUPILS[p], kind="absent") for p in sorted(absent))
            await self.lesson(n, c.TakeAttendance(entries))
        elif kind == "reason":
            n, pupil, reason = args
            await self.lesson(n, c.SetAbsenceReason(PUPILS[pupil], reason), RUSSIAN_TEACHER)
        elif kind == "topic":
            await self.lesson(args[0], c.SetTopic(args[1]))
        elif kind == "held":
            await self.lesson(args[0], c.MarkLessonHeld())
        elif kind == "cancel":
            await self.lesson(args[0], c.CancelLesson("карантин"))
        elif kind == "substitute":
            n = args[0]
            other = RUSSIAN_TEACHER if self.teachers[n] == MATH_TEACHER else MATH_TEACHER
            await self.lesson(n, c.SubstituteTeacher(other.id, "болезнь"), actor=DEPUTY)
            self.teachers[n] = other
        elif kind == "leave":
            leave = c.RemovePupilFromClass(PUPILS[args[0]], dt.date(2026, 9, 18), "переезд")
            with contextlib.suppress(DomainError):
                await roster.run_class(self.journal, meta(ADMIN), CLASS_ID, leave)


async def _batch(pool, batch_id: str):
    async def applied():
        async with pool.acquire() as conn:
            row = await conn.fetchrow("SELECT * FROM batches WHERE batch_id = $1", batch_id)
        assert row is not None
        assert row["status"] == "applied", dict(row)
        return row

    return await eventually(applied, timeout=60)


async def _diary_state(pool) -> dict[str, list[tuple]]:
    async with pool.acquire() as conn:
        return {
            table: sorted(tuple(r.values()) for r in await conn.fetch(query))
            for table, query in (
                ("records", "SELECT kind, record_id, seq, digest, content::text FROM records"),
                ("lessons", "SELECT * FROM lessons"),
                ("marks", "SELECT * FROM marks"),
                ("absences", "SELECT * FROM absences"),
                ("class_members", "SELECT * FROM class_members"),
                ("staff_directory", "SELECT * FROM staff_directory"),
            )
        }


async def _scenario(nats_url: str, database_url: str, schema: str, history_steps: list) -> None:
    client = await nats.connect(nats_url, name="deltas-equal-full")
    js = client.jetstream()
    try:
        await fresh_streams(js)
        async with (
            PgKeyStore.at(database_url) as keys,
            diary_bootstrap.build(
                diary_settings(nats_url, database_url, f"{schema}_d", "x" * 32)
            ) as diary,
            exporter_bootstrap.build(
                exporter_settings(nats_url, database_url, f"{schema}_e", "x" * 32)
            ) as exporter,
        ):
            journal = in_memory_deps(JetStreamEventStore(js, JOURNAL.name), keys=keys)
            await seed_small_school(journal)

            async def delta() -> None:
                outcome = await export(exporter.deps, SCHOOL, YEAR, "delta", "api")
                if outcome.run.status == "published":
                    assert outcome.run.batch_id is not None
                    await _batch(diary.pool, outcome.run.batch_id)

            history = History(journal)
            for step in history_steps:
                if step[0] == "export":
                    await delta()
                else:
                    await history.step(step)
            await delta()
            after_deltas = await _diary_state(diary.pool)

            full = await export(exporter.deps, SCHOOL, YEAR, "full", "api")
            assert full.run.batch_id is not None
            batch = await _batch(diary.pool, full.run.batch_id)
            drift = (batch["drift_missing"], batch["drift_extra"], batch["drift_different"])
            assert drift == (0, 0, 0), f"the deltas left the diary off by {drift}"
            assert batch["drift_same"] == full.run.records
            assert await _diary_state(diary.pool) == after_deltas
    finally:
        await client.close()


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history_steps=st.lists(steps, min_size=5, max_size=40))
def test_applying_every_delta_gives_the_diary_one_full_reconciliation_gives(
    nats_url, database_url, pg_schema, history_steps
):
    schema = f"{pg_schema}_x{next(_example)}"
    asyncio.run(_scenario(nats_url, database_url, schema, history_steps))
