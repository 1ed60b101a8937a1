"""Warnings to a teacher whose text for the diary names a pupil of the school.

The exporter replaces every pupil's name in the free texts it sends to the diary with «[ученик]»
(`services.common.name_guard`, the same rule). The journal keeps what the teacher typed, saves
it as before, and tells the teacher in the answer, so that they can rephrase: the topic, the
homework text, a mark's comment and a homework file's name go to the diary; nothing else a
teacher types here does (reasons of cancellations and corrections, evidence of absences stay
on the school side).

A warning never stands in the way of the save: when the roster cannot be read, the answer
simply carries none (and the log says so).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

import structlog

from services.common.name_guard import PLACEHOLDER
from services.journal.application.ports import Deps

REASON: Final = "pupil_name_in_diary_text"

logger = structlog.get_logger()


@dataclass(frozen=True, slots=True)
class DiaryText:
    """A text of a request that goes to the diary: where it is in the body, what it is called
    on the lesson page, and the text (None or empty: not sent)."""

    field: str
    label: str
    text: str | None


@dataclass(frozen=True, slots=True)
class NameWarning:
    """A text of the request names a pupil: the field and a sentence for the teacher."""

    field: str
    detail: str
    reason: str = REASON


def detail(label: str) -> str:
    """The sentence for the teacher about the field called `label` on the lesson page."""
    return (
        f"{label}: в тексте для дневника есть имя ученика — в дневник оно уйдёт как "
        f"«{PLACEHOLDER}». Журнал сохранил текст как есть."
    )


async def name_warnings(deps: Deps, school: str, texts: Iterable[DiaryText]) -> list[NameWarning]:
    """A warning for each text that names a pupil of the school (of any year)."""
    sent = [t for t in texts if t.text]
    if not sent or deps.pupil_names is None:
        return []
    try:
        guard = await deps.pupil_names.latest(school)  # the save has just checked it
    except Exception as error:  # a warning never fails a recorded save
        logger.warning("name_warnings.unavailable", school=school, error=type(error).__name__)
        return []
    return [NameWarning(t.field, detail(t.label)) for t in sent if guard.named(t.text or "")[1]]
