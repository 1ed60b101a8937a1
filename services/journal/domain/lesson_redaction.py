"""What an erasure does to a lesson's free texts: every mention of the erased pupil replaced.

A pure decision over the lesson's current state (`lesson.LessonState`) and a redactor (the name
guard over the one pupil's name, `services.common.name_guard`): the one `LessonTextsRedacted`
event that lists each text whose words changed, or `NothingToRedact`. The texts are those a
teacher, a deputy or an administrator types about a lesson: its topic, the homework's text and
files' names, the reason it was cancelled, each mark's comment and the reason of its last
correction, each absence's evidence.
"""

from __future__ import annotations

from collections.abc import Iterable

from contracts.base import Event
from contracts.journal import LessonTextsRedacted
from contracts.text import COMMENT_LENGTH, FILE_NAME_LENGTH, TEXT_LENGTH
from kernel.redaction import Redact, redact_within
from services.journal.domain.errors import Conflict
from services.journal.domain.lesson import LessonState


class NothingToRedact(Conflict):
    """The lesson's texts do not name the pupil (any more): nothing to record."""


def redact_lesson(state: LessonState, person: str, redact: Redact) -> list[Event]:
    """The one event that redacts the lesson's texts naming `person`, as deciders answer
    (`NothingToRedact` if none does)."""
    homework = state.homework
    event = LessonTextsRedacted(
        person=person,
        topic=_one(state.topic, redact, TEXT_LENGTH),
        homework_text=_one(homework.text if homework else None, redact, TEXT_LENGTH),
        cancel_reason=_one(state.cancel_reason, redact, TEXT_LENGTH),
        attachment_names=_each(
            ((a.attachment_id, a.name) for a in homework.attachments) if homework else (),
            redact,
            FILE_NAME_LENGTH,
        ),
        mark_comments=_each(
            ((i, m.comment) for i, m in state.marks.items()), redact, COMMENT_LENGTH
        ),
        mark_reasons=_each(((i, m.reason) for i, m in state.marks.items()), redact, TEXT_LENGTH),
        absence_evidence=_each(
            ((p, a.evidence) for p, a in state.absences.items()), redact, COMMENT_LENGTH
        ),
    )
    if event == LessonTextsRedacted(person=person):
        msg = f"no text of lesson {state.lesson_id} names pupil {person}"
        raise NothingToRedact(msg)
    return [event]


def _one(text: str | None, redact: Redact, limit: int) -> str | None:
    """The redacted text (cut to `limit`), or None when there is none or it names nobody."""
    if not text:
        return None
    redacted, count = redact_within(text, limit, redact)
    return redacted if count else None


def _each(texts: Iterable[tuple[str, str | None]], redact: Redact, limit: int) -> dict[str, str]:
    return {key: new for key, text in texts if (new := _one(text, redact, limit)) is not None}
