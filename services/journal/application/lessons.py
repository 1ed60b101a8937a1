"""Handlers for what teachers and the administration record on lessons."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass

from contracts import subjects
from services.journal.application import roster
from services.journal.application.files import check_file, describe
from services.journal.application.handling import Aggregate, Meta, Recorded, execute
from services.journal.application.ports import Deps
from services.journal.domain import lesson
from services.journal.domain.commands import AddHomeworkAttachment, LessonCommand, ScheduleLesson
from services.journal.domain.errors import AlreadyExists
from services.journal.domain.klass import lessons_from_timetable

LESSON = Aggregate(lesson.INITIAL, lesson.evolve)
SCHEDULING_CONCURRENCY = 16


async def run(
    deps: Deps, meta: Meta, class_id: str, lesson_id: str, cmd: LessonCommand
) -> Recorded:
    """Decide one lesson command against the lesson, the class and the school's configuration."""
    school_state, class_state = await roster.context(deps, meta, class_id)
    today = deps.clock.today()
    return await execute(
        deps,
        meta,
        subjects.lesson(meta.year, meta.school, class_id, lesson_id),
        LESSON,
        lambda state: lesson.decide(
            cmd, state, actor=meta.actor, today=today, school=school_state, klass=class_state
        ),
    )


async def attach_file(  # noqa: PLR0913 - one upload, described in full
    deps: Deps,
    meta: Meta,
    class_id: str,
    lesson_id: str,
    *,
    name: str,
    media_type: str,
    data: bytes,
) -> tuple[Recorded, str]:
    """Store a homework file and record it on the lesson; answers the attachment id too.

    The command is decided once before the bytes are stored, so a refused upload leaves no file.
    """
    check_file(deps.file_limits, media_type, data)
    attachment = describe(meta.command_id, name, media_type, data)
    cmd = AddHomeworkAttachment(attachment)
    school_state, class_state = await roster.context(deps, meta, class_id)
    subject = subjects.lesson(meta.year, meta.school, class_id, lesson_id)
    current = LESSON.fold(await deps.store.load(subject))
    lesson.decide(
        cmd,
        current,
        actor=meta.actor,
        today=deps.clock.today(),
        school=school_state,
        klass=class_state,
    )
    await deps.files.put(attachment, data)
    return await run(deps, meta, class_id, lesson_id, cmd), attachment.attachment_id


@dataclass(frozen=True, slots=True)
class ScheduleReport:
    """What scheduling from the timetable did."""

    created: tuple[str, ...]
    existing: tuple[str, ...]


async def schedule_from_timetable(
    deps: Deps, meta: Meta, class_id: str, start: dt.date, end: dt.date
) -> ScheduleReport:
    """Schedule every timetabled lesson of the class in [start, end]; existing ones are kept."""
    school_state, class_state = await roster.context(deps, meta, class_id)
    planned = lessons_from_timetable(class_state, school_state, class_id, start, end)
    gate = asyncio.Semaphore(SCHEDULING_CONCURRENCY)

    async def schedule(cmd: ScheduleLesson) -> bool:
        async with gate:
            try:
                await _schedule_one(deps, meta, cmd, school_state, class_state)
            except AlreadyExists:
                return False
            return True

    outcomes = await asyncio.gather(*(schedule(cmd) for cmd in planned))
    created = tuple(c.lesson_id for c, ok in zip(planned, outcomes, strict=True) if ok)
    existing = tuple(c.lesson_id for c, ok in zip(planned, outcomes, strict=True) if not ok)
    return ScheduleReport(created, existing)


async def _schedule_one(
    deps: Deps,
    meta: Meta,
    cmd: ScheduleLesson,
    school_state: roster.SchoolConfig,
    class_state: roster.ClassState,
) -> Recorded:
    return await execute(
        deps,
        meta,
        subjects.lesson(meta.year, meta.school, cmd.class_id, cmd.lesson_id),
        LESSON,
        lambda state: lesson.decide(
            cmd,
            state,
            actor=meta.actor,
            today=deps.clock.today(),
            school=school_state,
            klass=class_state,
        ),
        shared=True,
    )
