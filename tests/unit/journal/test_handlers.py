"""The service layer: handlers over the in-memory event store."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from services.common.command_loop import MAX_ATTEMPTS
from services.common.eventstore import Appended, ConcurrencyConflict, Version
from services.common.eventstore_memory import InMemoryEventStore
from services.journal.adapters.object_store import InMemoryFiles
from services.journal.application import lessons
from services.journal.application.files import FileTooLarge, UnsupportedFileType
from services.journal.application.handling import decode_all
from services.journal.application.ids import mark_id
from services.journal.domain import commands as c
from services.journal.domain.errors import MarkNotOnScale, NotLessonTeacher
from tests.support.journal import (
    ADMIN,
    CLASS_ID,
    FIRST_MONDAY,
    MATH_TEACHER,
    PUPILS,
    RUSSIAN_TEACHER,
    in_memory_deps,
    math_lesson_id,
    meta,
    seed_small_school,
)

LESSON = math_lesson_id(FIRST_MONDAY)


@pytest.fixture
async def deps():
    deps = in_memory_deps(files=InMemoryFiles())
    await seed_small_school(deps)
    return deps


def _mark(command_id: str, pupil: str = PUPILS[0], value: str = "5") -> c.RecordMark:
    return c.RecordMark(c.NewMark(mark_id(command_id), pupil, value, "classwork"))


def _lesson_events(deps):
    return [e for e in deps.store.events if e.subject.endswith(f".lesson.{LESSON}")]


async def test_a_retried_command_records_once(deps):
    first = await lessons.run(deps, meta(MATH_TEACHER, "req-1"), CLASS_ID, LESSON, _mark("req-1"))
    again = await lessons.run(deps, meta(MATH_TEACHER, "req-1"), CLASS_ID, LESSON, _mark("req-1"))
    assert not first.duplicate
    assert again.duplicate
    assert again.seq == first.seq
    assert [e.envelope.event_type for e in _lesson_events(deps)].count("journal.MarkRecorded") == 1


async def test_concurrent_commands_on_one_lesson_are_all_recorded(deps):
    commands = [
        lessons.run(deps, meta(MATH_TEACHER, f"r{i}"), CLASS_ID, LESSON, _mark(f"r{i}", p))
        for i, p in enumerate(PUPILS)
    ]
    await asyncio.gather(*commands)
    recorded = [e for e in decode_all(_lesson_events(deps)) if hasattr(e, "mark")]
    assert sorted(e.mark.pupil_id for e in recorded) == sorted(PUPILS)


class _AlwaysConflicting(InMemoryEventStore):
    async def append(
        self, subject, envelope, *, expected: Version, msg_id: str, fingerprint: str = ""
    ) -> Appended:
        if ".lesson." in subject and envelope.event_type != "journal.LessonScheduled":
            self.attempts = getattr(self, "attempts", 0) + 1
            raise ConcurrencyConflict(subject, expected.seq)
        return await super().append(
            subject, envelope, expected=expected, msg_id=msg_id, fingerprint=fingerprint
        )


async def test_a_conflict_that_never_clears_gives_up_after_bounded_retries():
    deps = in_memory_deps(_AlwaysConflicting())
    await seed_small_school(deps)
    with pytest.raises(ConcurrencyConflict):
        await lessons.run(deps, meta(MATH_TEACHER), CLASS_ID, LESSON, _mark("x"))
    assert deps.store.attempts == MAX_ATTEMPTS


async def test_a_refused_command_records_nothing(deps):
    before = len(deps.store.events)
    with pytest.raises(MarkNotOnScale):
        await lessons.run(deps, meta(MATH_TEACHER), CLASS_ID, LESSON, _mark("y", value="6"))
    with pytest.raises(NotLessonTeacher):
        await lessons.run(deps, meta(RUSSIAN_TEACHER), CLASS_ID, LESSON, _mark("z"))
    assert len(deps.store.events) == before


async def test_an_upload_by_another_teacher_stores_no_file(deps):
    with pytest.raises(NotLessonTeacher):
        await lessons.attach_file(
            deps,
            meta(RUSSIAN_TEACHER),
            CLASS_ID,
            LESSON,
            name="task.pdf",
            media_type="application/pdf",
            data=b"%PDF-1.4 task",
        )
    assert deps.files.files == {}


@pytest.mark.parametrize(
    ("media_type", "data", "error"),
    [
        ("application/pdf", b"%PDF-" + b"x" * 2000, FileTooLarge),
        ("application/x-msdownload", b"MZ\x90\x00", UnsupportedFileType),
        ("application/pdf", b"MZ pretending to be a pdf", UnsupportedFileType),
    ],
)
async def test_bad_files_are_refused_before_anything_is_stored(deps, media_type, data, error):
    before = len(deps.store.events)
    with pytest.raises(error):
        await lessons.attach_file(
            deps, meta(MATH_TEACHER), CLASS_ID, LESSON, name="f", media_type=media_type, data=data
        )
    assert deps.files.files == {}
    assert len(deps.store.events) == before


async def test_an_accepted_upload_stores_the_file_and_records_its_digest(deps):
    recorded, attachment_id = await lessons.attach_file(
        deps,
        meta(MATH_TEACHER),
        CLASS_ID,
        LESSON,
        name="task.pdf",
        media_type="application/pdf",
        data=b"%PDF-1.4 task",
    )
    assert recorded.event_type == "journal.HomeworkAttachmentAdded"
    assert deps.files.files[attachment_id] == b"%PDF-1.4 task"
    (event,) = decode_all([deps.store.events[-1]])
    assert event.attachment.size == len(b"%PDF-1.4 task")


async def test_scheduling_the_same_range_again_creates_nothing(deps):
    report = await lessons.schedule_from_timetable(
        deps, meta(ADMIN), CLASS_ID, dt.date(2026, 9, 1), dt.date(2026, 9, 30)
    )
    assert report.created == ()
    assert LESSON in report.existing


async def test_folding_with_remembered_states_equals_folding_from_scratch(deps):
    for i, pupil in enumerate(PUPILS[:4]):
        await lessons.run(
            deps, meta(MATH_TEACHER, f"m{i}"), CLASS_ID, LESSON, _mark(f"m{i}", pupil)
        )
    history = await deps.store.load(f"jrn.2026.s1.{CLASS_ID}.lesson.{LESSON}")
    warm = lessons.LESSON.fold(history)
    cold = type(lessons.LESSON)(lessons.LESSON.initial, lessons.LESSON.evolve).fold(history)
    assert warm == cold
