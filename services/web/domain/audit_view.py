"""«История изменений», its pure part: the moment a person picks, and the audit's histories
worded for reading (when in the school's time, who, what changed from what to what, why).

The audit service already names every field and value (`field_label`, `before_label`,
`after_label`, the actor's `label`); this module only picks the school's words for an event's
type and a role, turns times into the school's clock and finds the lesson an event belongs to,
so that one history links to another.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from services.web.domain.navigation import ROLE_NAMES

ROLES: Final = {**ROLE_NAMES, "system": "система"}
EVENTS: Final = {
    "journal.LessonScheduled": "урок внесён в расписание",
    "journal.TeacherSubstituted": "назначена замена",
    "journal.LessonHeld": "урок проведён",
    "journal.LessonCancelled": "урок отменён",
    "journal.TopicSet": "тема урока",
    "journal.HomeworkSet": "домашнее задание",
    "journal.HomeworkAttachmentAdded": "файл к домашнему заданию",
    "journal.MarkRecorded": "отметка выставлена",
    "journal.MarkCorrected": "отметка исправлена",
    "journal.MarkCancelled": "отметка отменена",
    "journal.AttendanceTaken": "посещаемость",
    "journal.AbsenceReasonSet": "причина пропуска",
    "journal.LessonEntriesSaved": "страница урока сохранена",
    "journal.LessonTextsRedacted": "имя ученика убрано из текстов (удаление данных)",
    "journal.PeriodMarkSet": "отметка за период",
    "journal.PupilRegistered": "сведения об ученике",
    "journal.StaffMemberRegistered": "сведения о сотруднике",
    "journal.PersonErased": "персональные данные удалены",
}
_LESSON_KIND: Final = "lesson"
_JOURNAL_PARTS: Final = 6  # jrn.<year>.<school>.<class>.<kind>.<id>


def moment_of(text: str | None, zone: dt.tzinfo) -> dt.datetime | None:
    """The moment of a `datetime-local` field («2026-10-01T14:30», the school's time) or of an
    ISO time with its offset (a link's `at`); None when empty or not a time."""
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def local_input(moment: dt.datetime, zone: dt.tzinfo) -> str:
    """The value a `datetime-local` field shows for the moment (to the second)."""
    return moment.astimezone(zone).replace(tzinfo=None, microsecond=0).isoformat()


def when_text(value: str | dt.datetime | None, zone: dt.tzinfo) -> str:
    """«01.10.2026 14:30:05» in the school's time; «—» for none."""
    if value is None:
        return "—"
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return f"{moment.astimezone(zone):%d.%m.%Y %H:%M:%S}"


def lesson_of(subject: str) -> tuple[str, str] | None:
    """(class, lesson) of a journal lesson's subject `jrn.<year>.<school>.<class>.lesson.<id>`."""
    parts = subject.split(".")
    if len(parts) == _JOURNAL_PARTS and parts[0] == "jrn" and parts[4] == _LESSON_KIND:
        return parts[3], parts[5]
    return None


@dataclass(frozen=True, slots=True)
class ChangeLine:
    """One field an event changed: of what, which field, from what, to what."""

    target: str
    field: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One event of a history, as a line of the page."""

    seq: int
    stream: str
    recorded: str  # when it was recorded, the school's time
    occurred: str  # when it happened by the person's account, if that differs
    at: str  # the recording moment exactly (ISO), for «as it stood then»
    actor: str
    role: str
    event: str
    changes: tuple[ChangeLine, ...]
    reasons: tuple[str, ...]
    lesson: tuple[str, str] | None
    cause: str  # what caused it (for grants: the enrollment event), worded

    @property
    def groups(self) -> list[tuple[str, list[ChangeLine]]]:
        """The changes by what they changed (a mark, an absence, the lesson), each once, in
        order: an event touching six fields of one mark names the mark once."""
        grouped: dict[str, list[ChangeLine]] = {}
        for change in self.changes:
            grouped.setdefault(change.target, []).append(change)
        return list(grouped.items())


def history_rows(entries: Iterable[Mapping[str, Any]], zone: dt.tzinfo) -> list[HistoryRow]:
    """The audit's entries (in stream order) as lines."""
    return [_row(entry, zone) for entry in entries]


def _row(entry: Mapping[str, Any], zone: dt.tzinfo) -> HistoryRow:
    recorded = when_text(entry.get("recorded_at"), zone)
    occurred = when_text(entry.get("occurred_at"), zone) if entry.get("occurred_at") else ""
    actor = entry.get("actor") or {}
    cause = entry.get("caused_by")
    return HistoryRow(
        seq=int(entry["seq"]),
        stream=str(entry.get("stream", "")),
        recorded=recorded,
        occurred="" if occurred[:16] == recorded[:16] else occurred,
        at=str(entry.get("recorded_at", "")),
        actor=str(actor.get("label") or actor.get("id") or "—"),
        role=ROLES.get(str(actor.get("role")), str(actor.get("role") or "")),
        event=event_text(str(entry.get("event_type", ""))),
        changes=tuple(_change(c) for c in entry.get("changes", [])),
        reasons=tuple(str(r) for r in entry.get("reasons", [])),
        lesson=lesson_of(str(entry.get("subject", ""))),
        cause=f"{event_text(str(cause.get('event_type', '')))} № {cause.get('seq')}"
        if isinstance(cause, Mapping)
        else "",
    )


def _change(change: Mapping[str, Any]) -> ChangeLine:
    return ChangeLine(
        target=str(change.get("target_label") or change.get("target") or ""),
        field=str(change.get("field_label") or change.get("field") or ""),
        before=str(change.get("before_label") or change.get("before") or ""),
        after=str(change.get("after_label") or change.get("after") or ""),
    )


def event_text(event_type: str) -> str:
    """The school's words for an event type (the type itself for one without)."""
    return EVENTS.get(event_type, event_type.split(".", 1)[-1])


def pupil_options(
    pupils: Mapping[str, Any] | None, roster: Mapping[str, Any] | None
) -> list[tuple[str, str]]:
    """(id, «Акимова В. А., 5А») of every pupil, by name, for the pupil field's suggestions;
    none when the journal does not list pupils to the person."""
    if not pupils:
        return []
    labels = {
        c["class_id"]: c.get("label", c["class_id"]) for c in (roster or {}).get("classes", [])
    }
    options = [
        (
            str(p["pupil_id"]),
            f"{p.get('full_name') or p['pupil_id']}"
            + (f", {labels.get(p['class_id'], p['class_id'])}" if p.get("class_id") else ""),
        )
        for p in pupils.get("pupils", [])
    ]
    return sorted(options, key=lambda option: (option[1], option[0]))
