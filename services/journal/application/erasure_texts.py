"""Before a pupil's key is destroyed: their name taken out of the school's free texts.

A teacher may have typed the pupil's name into a lesson's text («Акимовой В. — молодец»). The
name guard keeps it from the diary while the pupil is on the roster; once their key is
destroyed the name is unknown, and a later export would send such a text as typed. So the
erasure first looks for the pupil's name (`services.common.name_guard`, the same rule) in
every lesson text of the school the journal view holds, of every year, and records on each
lesson that names them one `LessonTextsRedacted` with those texts as they read from now on:
the journal view, the audit's current state, the exporter and so the diary all show
«[ученик]» there. A text the guard recognised when it was written is sealed under the pupil's
key in the stream (`contracts.personal`, "Texts that name a pupil") and reads redacted once the
key is gone; the live views hold it as they opened it, hence this redaction of the lessons'.

It runs before `PersonErased` is recorded (the journal view blanks the name once that event is
applied), as part of the erasure's command: each lesson's event is deduplicated under the
command id, so a retried erasure records nothing twice. Limits: a text recorded while the
erasure runs, or not yet in the journal view, is not seen.
"""

from __future__ import annotations

import dataclasses
import time

import structlog

from contracts import subjects
from contracts.personal import ERASED
from services.common.name_guard import NameGuard
from services.journal.application.handling import Meta, execute
from services.journal.application.lessons import LESSON
from services.journal.application.ports import Deps
from services.journal.domain.lesson_redaction import NothingToRedact, redact_lesson

logger = structlog.get_logger()


async def redact_mentions(deps: Deps, meta: Meta, pupil: str) -> int:
    """Record `LessonTextsRedacted` on every lesson of the school whose texts name the pupil;
    how many lessons changed."""
    name = await deps.erasure_views.pupil_name(meta.school, pupil)
    if not name or name == ERASED:
        return 0
    started = time.perf_counter()
    guard = NameGuard([name])  # not the shared cache of rosters: the name is to be forgotten
    written = await deps.erasure_views.lesson_texts(meta.school)
    naming = [lesson for lesson in written if any(guard.count(text) for text in lesson.texts)]
    changed = 0
    for lesson in naming:
        subject = subjects.lesson(lesson.year, meta.school, lesson.class_id, lesson.lesson_id)
        try:
            await execute(
                deps,
                dataclasses.replace(meta, year=lesson.year),
                subject,
                LESSON,
                lambda state: redact_lesson(state, pupil, guard.redact),
                shared=True,
            )
        except NothingToRedact:  # changed since the view was read: nothing names them now
            continue
        changed += 1
    logger.info(
        "erasure.texts_redacted",
        school=meta.school,
        pupil=pupil,
        lessons_read=len(written),
        texts_read=sum(len(lesson.texts) for lesson in written),
        lessons_redacted=changed,
        seconds=round(time.perf_counter() - started, 3),
    )
    return changed
