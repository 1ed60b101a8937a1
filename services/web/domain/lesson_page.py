"""The lesson page, its pure part: the journal's lesson detail and the school's configuration
turned into what the page prints (whose lesson it is, the class list with each pupil's marks
and attendance letter, the kinds of work to choose from).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from services.web.domain.assessment import mark_title

DEFAULT_KIND: Final = "classwork"
"""The kind of work a new-mark column starts with, when the school has it."""
MAX_COLUMNS: Final = 4


@dataclass(frozen=True, slots=True)
class PupilLine:
    """A pupil of the lesson: the marks already recorded (value, what they are) and the
    attendance as the journal holds it (letter, reason, minutes late)."""

    pupil_id: str
    name: str
    marks: tuple[tuple[str, str], ...]
    letter: str
    reason: str
    minutes_late: str


def pupil_lines(lesson: Mapping[str, Any], kinds: Mapping[str, str]) -> list[PupilLine]:
    """The class list in the journal's order; cancelled marks are not shown."""
    marks: dict[str, list[tuple[str, str]]] = {}
    for mark in lesson.get("marks", []):
        if mark.get("cancelled"):
            continue
        marks.setdefault(mark["pupil_id"], []).append(
            (str(mark["value"]), _mark_title(mark, kinds))
        )
    absences = {a["pupil_id"]: a for a in lesson.get("absences", [])}
    lines: list[PupilLine] = []
    for pupil in lesson.get("pupils", []):
        pupil_id = pupil["pupil_id"]
        absence = absences.get(pupil_id)
        letter = reason = minutes = ""
        if absence is not None:
            reason = str(absence.get("reason") or "unknown")
            letter = str(absence.get("letter") or "")
            minutes = str(absence.get("minutes_late") or "")
        name = str(pupil.get("full_name") or pupil_id)
        lines.append(
            PupilLine(pupil_id, name, tuple(marks.get(pupil_id, ())), letter, reason, minutes)
        )
    return lines


def _mark_title(mark: Mapping[str, Any], kinds: Mapping[str, str]) -> str:
    kind = kinds.get(mark["work_kind_id"], mark["work_kind_id"])
    reading = mark_title(str(mark["value"]))
    if reading:  # a pass/fail mark: what it means, and no weight (it enters no average)
        kind = f"{reading}; {kind}"
    weight = mark.get("weight")
    title = kind if weight is None or reading else f"{kind}, вес {_weight(weight)}"
    if not mark.get("counts", True):
        title += "; не входит в средний балл"
    if mark.get("comment"):
        title += f"; {mark['comment']}"
    if mark.get("corrected"):
        title += "; исправлено"
    return title


def teacher_line(lesson: Mapping[str, Any]) -> str:
    """Whose lesson it is: «Учитель: …», or «Замена: урок ведёт …, по расписанию …»."""
    teacher = _name(lesson.get("teacher") or {})
    if lesson.get("substituted"):
        planned = _name(lesson.get("timetabled_teacher") or {})
        return f"Замена: урок ведёт {teacher}, по расписанию {planned}"
    return f"Учитель: {teacher}"


def _name(staff: Mapping[str, Any]) -> str:
    return str(staff.get("full_name") or staff.get("staff_id") or "—")


def work_kinds(roster: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The school's kinds of work (id, «name (вес w)»), in the roster's order."""
    return [
        (str(k["work_kind_id"]), f"{k['name']} (вес {_weight(k.get('weight'))})")
        for k in roster.get("work_kinds", [])
    ]


def kind_names(roster: Mapping[str, Any]) -> dict[str, str]:
    """Each kind of work's name by its id."""
    return {str(k["work_kind_id"]): str(k["name"]) for k in roster.get("work_kinds", [])}


def _weight(value: object) -> str:
    text = str(value if value is not None else "")
    return text.rstrip("0").rstrip(".").replace(".", ",") if "." in text else text


def default_kind(roster: Mapping[str, Any]) -> str:
    """The kind a new-mark column starts with: classwork when configured, else the first."""
    ids = [str(k["work_kind_id"]) for k in roster.get("work_kinds", [])]
    return DEFAULT_KIND if DEFAULT_KIND in ids else (ids[0] if ids else "")


def scale_values(roster: Mapping[str, Any]) -> list[str]:
    """The values of the school's mark scale, as the roster orders them."""
    return [str(v["value"]) for v in roster.get("scale", [])]


def column_count(text: str | None) -> int:
    """How many new-mark columns the page shows (`?columns=`, 1 to MAX_COLUMNS)."""
    count = int(text) if text and text.isdigit() else 1
    return max(1, min(MAX_COLUMNS, count))


def shows_save(
    lesson: Mapping[str, Any],
    body: Mapping[str, Any],
    reasons: Iterable[tuple[str, str]],
    new_ids: Iterable[str],
) -> bool:
    """Whether the journal's view of the lesson already shows a save: its new marks and files
    (`new_ids`), the held status, and the attendance with the reasons asked for. The view is
    updated from the events a moment after they are recorded; the page waits for it so that
    what it shows after a save is what was saved."""
    shown = {m["mark_id"] for m in lesson.get("marks", [])}
    shown |= {a["attachment_id"] for a in (lesson.get("homework") or {}).get("attachments", [])}
    if not set(new_ids) <= shown:
        return False
    if body.get("held") and lesson.get("status") != "held":
        return False
    homework = lesson.get("homework") or {}
    if "topic" in body and _same(lesson.get("topic")) != _same(body["topic"]):
        return False
    if "homework" in body and _same(homework.get("text")) != _same(body["homework"]["text"]):
        return False
    absences = {a["pupil_id"]: a for a in lesson.get("absences", [])}
    if "attendance" in body:
        sent = {(a["pupil_id"], a["kind"]) for a in body["attendance"]}
        if not lesson.get("attendance_taken") or sent != {
            (p, a["kind"]) for p, a in absences.items()
        }:
            return False
    return all(absences.get(p, {}).get("reason") == r for p, r in reasons)


def _same(text: object) -> str:
    """A text as the journal keeps it (trimmed, NFC), to compare what was sent and is shown."""
    return unicodedata.normalize("NFC", str(text or "")).strip()
