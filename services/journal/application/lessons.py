"""Handlers for what teachers and the administration record on lessons."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass

from contracts import subjects
from contracts.base import Event
from services.journal.application import roster
from services.journal.application.files import check_file, describe
from services.journal.application.handling import (
    Aggregate,
    Meta,
    Recorded,
    earlier_record,
    event_log,
    execute,
)
from services.journal.application.ports import Deps
from services.journal.domain import lesson, lesson_decider
from services.journal.domain.commands import AddHomeworkAttachment, LessonCommand, ScheduleLesson
from services.journal.domain.errors import AlreadyExists
from services.journal.domain.klass import lessons_from_timetable

LESSON = Aggregate(lesson.INITIAL, lesson.evolve)
SCHEDULING_CONCURRENCY = 16


@dataclass(frozen=True, slots=True)
class _Context:
    """The reference data a lesson command is decided against, read once per request."""

    school: roster.SchoolConfig
    klass: roster.ClassState
    today: dt.date

    def decide(self, cmd: LessonCommand, meta: Meta, state: lesson.LessonState) -> list[Event]:
        return lesson_decider.decide(
            cmd, state, actor=meta.actor, today=self.today, school=self.school, klass=self.klass
        )


async def _context(deps: Deps, meta: Meta, class_id: str) -> _Context:
    school_state, class_state = await roster.context(deps, meta, class_id)
    return _Context(school_state, class_state, deps.clock.today())


async def _record(  # noqa: PLR0913 - one lesson command with what it is decided against
    deps: Deps,
    meta: Meta,
    context: _Context,
    class_id: str,
    lesson_id: str,
    cmd: LessonCommand,
    *,
    shared: bool = False,
) -> Recorded:
    return await execute(
        deps,
        meta,
        subjects.lesson(meta.year, meta.school, class_id, lesson_id),
        LESSON,
        lambda state: context.decide(cmd, meta, state),
        shared=shared,
    )


async def run(
    deps: Deps, meta: Meta, class_id: str, lesson_id: str, cmd: LessonCommand
) -> Recorded:
    """Decide one lesson command against the lesson, the class and the school's configuration."""
    context = await _context(deps, meta, class_id)
    return await _record(deps, meta, context, class_id, lesson_id, cmd)


async def attach_file(  # noqa: PLR0913 - one upload, described in full
    deps: Deps,
    meta: Meta,
    class_id: str,
    lesson_id: str,
    *,
    name: str,
    media_type: str,
    data: bytes,
    correction_reason: str | None = None,
) -> tuple[Recorded, str]:
    """Store a homework file and record it on the lesson; answers the attachment id too.

    The command is decided once before the bytes are stored, so a refused upload leaves no file;
    a retry answers what it recorded before (deciding again would find the file attached).
    """
    check_file(deps.file_limits, media_type, data)
    attachment = describe(meta.command_id, name, media_type, data)
    subject = subjects.lesson(meta.year, meta.school, class_id, lesson_id)
    history = await deps.store.load(subject)
    if (earlier := earlier_record(history, meta)) is not None:
        return earlier, attachment.attachment_id
    cmd = AddHomeworkAttachment(attachment, correction_reason=correction_reason)
    context = await _context(deps, meta, class_id)
    context.decide(cmd, meta, await event_log(deps).fold(LESSON, history))
    await deps.files.put(attachment, data)
    recorded = await _record(deps, meta, context, class_id, lesson_id, cmd)
    return recorded, attachment.attachment_id


@dataclass(frozen=True, slots=True)
class ScheduleReport:
    """What scheduling from the timetable did."""

    created: tuple[str, ...]
    existing: tuple[str, ...]


async def schedule_from_timetable(
    deps: Deps, meta: Meta, class_id: str, start: dt.date, end: dt.date
) -> ScheduleReport:
    """Schedule every timetabled lesson of the class in [start, end]; existing ones are kept."""
    context = await _context(deps, meta, class_id)
    planned = lessons_from_timetable(context.klass, context.school, class_id, start, end)
    gate = asyncio.Semaphore(SCHEDULING_CONCURRENCY)
    if meta.fingerprint:
        await _refuse_reused_key(deps, meta, planned, gate)

    async def schedule(cmd: ScheduleLesson) -> bool:
        async with gate:
            try:
                await _record(deps, meta, context, cmd.class_id, cmd.lesson_id, cmd, shared=True)
            except AlreadyExists:
                return False
            return True

    outcomes = await asyncio.gather(*(schedule(cmd) for cmd in planned))
    created = tuple(c.lesson_id for c, ok in zip(planned, outcomes, strict=True) if ok)
    existing = tuple(c.lesson_id for c, ok in zip(planned, outcomes, strict=True) if not ok)
    return ScheduleReport(created, existing)


async def _refuse_reused_key(
    deps: Deps, meta: Meta, planned: list[ScheduleLesson], gate: asyncio.Semaphore
) -> None:
    """Refuse a key reused with another range before any lesson is scheduled, not halfway.

    Only lessons both ranges share can tell; a reused key on a range disjoint from the first
    schedules it (nothing on those lessons remembers the key).
    """

    async def check(cmd: ScheduleLesson) -> None:
        async with gate:
            subject = subjects.lesson(meta.year, meta.school, cmd.class_id, cmd.lesson_id)
            earlier_record(await deps.store.load(subject), meta, shared=True)

    await asyncio.gather(*(check(cmd) for cmd in planned))
