"""A lesson of the diary as a card on the parent's page: time, subject, teacher, topic,
homework with its files, the child's marks and absence.

Built from the diary's answer (`PupilLesson` as JSON). Teachers are shown by the staff
directory's short name («Иванова А. В.»), else just «учитель»; files are downloaded through
the portal's own `/files/<id>`, which asks the diary with the reader's token.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from kernel.russian_dates import short_day
from services.portal.domain.bells import DEFAULT_BELLS, BellSchedule
from services.portal.domain.marks import AbsenceNote, MarkNote, absence_note, mark_note

NO_TEACHER_NAME: Final = "учитель"
_KB: Final = 1024


def size_text(size: int) -> str:
    """«820 Б», «12 КБ», «3,4 МБ»."""
    if size < _KB:
        return f"{size} Б"
    if size < _KB * _KB:
        return f"{round(size / _KB)} КБ"
    return f"{size / _KB / _KB:.1f} МБ".replace(".", ",")


@dataclass(frozen=True, slots=True)
class FileLink:
    """A homework file: where the portal serves it, its name and size."""

    url: str
    name: str
    size: str


@dataclass(frozen=True, slots=True)
class LessonCard:
    """What the page shows of one lesson."""

    lesson_id: str
    date: dt.date
    slot: int
    time: str
    subject_id: str
    subject: str
    teacher: str
    cancelled: bool
    topic: str | None
    homework: str | None
    due: str | None
    files: tuple[FileLink, ...]
    marks: tuple[MarkNote, ...]
    absence: AbsenceNote | None
    corrected_after_close: bool


def file_link(file: Mapping[str, Any]) -> FileLink:
    """A file of the diary's answer, served by the portal's `/files/<attachment_id>`."""
    return FileLink(
        url=f"/files/{file['attachment_id']}",
        name=str(file.get("name") or file["attachment_id"]),
        size=size_text(int(file.get("size") or 0)),
    )


def lesson_card(lesson: Mapping[str, Any], bells: BellSchedule = DEFAULT_BELLS) -> LessonCard:
    """The card of one lesson of the diary's answer."""
    due = lesson.get("homework_due_on")
    absence = lesson.get("absence")
    slot = int(lesson["slot"])
    return LessonCard(
        lesson_id=str(lesson["lesson_id"]),
        date=dt.date.fromisoformat(str(lesson["date"])),
        slot=slot,
        time=bells.span(slot),
        subject_id=str(lesson["subject_id"]),
        subject=str(lesson.get("subject_name") or lesson["subject_id"]),
        teacher=str(lesson.get("teacher_name") or NO_TEACHER_NAME),
        cancelled=lesson.get("status") == "cancelled",
        topic=lesson.get("topic") or None,
        homework=lesson.get("homework") or None,
        due=short_day(dt.date.fromisoformat(str(due))) if due else None,
        files=tuple(file_link(f) for f in lesson.get("files") or ()),
        marks=tuple(mark_note(m) for m in lesson.get("marks") or ()),
        absence=absence_note(absence) if absence else None,
        corrected_after_close=bool(lesson.get("corrected_after_close", False)),
    )
