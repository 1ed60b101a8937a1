"""The monthly check's records as the journal's API answers them, and their labels in the
school's words (what a finding is, what state a remark is in, what a check looks at).

Reading the JSON once into frozen records keeps the templates and the grouping typed; the values
are the API's own (the `shown_status` of a remark included), never recomputed here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

KIND_LABELS: Final = {
    "no_topic": "урок без темы",
    "not_marked_held": "урок не отмечен как проведённый",
    "no_attendance": "не отмечена посещаемость",
    "absence_without_reason": "пропуск без причины",
    "no_homework": "не записано домашнее задание",
    "late_entry": "запись внесена позже дня урока",
}
STATUS_LABELS: Final = {
    "issued": "открыто",
    "resolved": "исправлено учителем",
    "fixed_automatically": "исправлено автоматически",
    "confirmed": "подтверждено",
    "reopened": "возвращено",
}
_NOT_IN_ID: Final = re.compile(r"[^A-Za-z0-9_-]")
SCOPE_LABELS: Final = {"school": "вся школа", "class": "класс", "teacher": "учитель"}


@dataclass(frozen=True, slots=True)
class Names:
    """The names the pages show for ids: staff, classes, subjects (from the journal's roster)."""

    school_name: str = ""
    staff: Mapping[str, str] = field(default_factory=dict)
    classes: Mapping[str, str] = field(default_factory=dict)
    subjects: Mapping[str, str] = field(default_factory=dict)

    def person(self, staff_id: str) -> str:
        """A member of staff's full name (the id when the roster does not know them)."""
        return self.staff.get(staff_id) or staff_id

    def klass(self, class_id: str | None) -> str:
        """A class's label (`5А`), or the id."""
        return self.classes.get(class_id or "") or (class_id or "")

    def subject(self, subject_id: str | None) -> str:
        """A subject's name, or the id."""
        return self.subjects.get(subject_id or "") or (subject_id or "")


def names_of(roster: Mapping[str, Any]) -> Names:
    """The names in the journal's `GET …/roster` answer."""
    return Names(
        school_name=roster.get("school_name") or "",
        staff={s["staff_id"]: s["full_name"] for s in roster.get("staff", [])},
        classes={c["class_id"]: c["label"] for c in roster.get("classes", [])},
        subjects={s["subject_id"]: s["name"] for s in roster.get("subjects", [])},
    )


@dataclass(frozen=True, slots=True)
class Finding:
    """An automated finding of a check, as the API answered it."""

    finding_id: str
    kind: str
    class_id: str
    teacher_id: str
    day: date
    lesson_id: str | None = None
    subject_id: str | None = None
    pupil_id: str | None = None
    detail: str = ""

    @property
    def label(self) -> str:
        """What is wrong, in the school's words."""
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def anchor(self) -> str:
        """An HTML id for the finding's place on the page (its id has colons)."""
        return "f-" + _NOT_IN_ID.sub("-", self.finding_id)


@dataclass(frozen=True, slots=True)
class Remark:
    """A remark of the deputy director, with the status the API shows for it."""

    check_id: str
    remark_id: str
    teacher_id: str
    text: str
    status: str
    shown_status: str
    teacher_name: str = ""
    lesson_id: str | None = None
    lesson_date: date | None = None
    class_id: str | None = None
    class_label: str = ""
    subject_id: str | None = None
    subject_name: str = ""
    finding_id: str | None = None
    issued_at: datetime | None = None
    resolve_note: str = ""
    reopen_reason: str = ""

    @property
    def label(self) -> str:
        """The status in the school's words."""
        return STATUS_LABELS.get(self.shown_status, self.shown_status)

    @property
    def waits_for_teacher(self) -> bool:
        """Issued or returned: the teacher is still to mark it done."""
        return self.status in {"issued", "reopened"}

    @property
    def waits_for_deputy(self) -> bool:
        """Done by the teacher or fixed on its own: the deputy confirms or returns it."""
        return self.shown_status in {"resolved", "fixed_automatically"}


@dataclass(frozen=True, slots=True)
class Check:
    """A check with its findings at opening and now, and its remarks."""

    check_id: str
    month: str
    scope: str
    target_id: str | None
    opened_by: str
    opened_at: datetime | None
    closed: bool
    at_opening: tuple[Finding, ...]
    now: tuple[Finding, ...]
    remarks: tuple[Remark, ...]


def finding_of(raw: Mapping[str, Any]) -> Finding:
    """A finding of the API's JSON."""
    return Finding(
        finding_id=raw["finding_id"],
        kind=raw["kind"],
        class_id=raw["class_id"],
        teacher_id=raw["teacher_id"],
        day=date.fromisoformat(raw["date"]),
        lesson_id=raw.get("lesson_id"),
        subject_id=raw.get("subject_id"),
        pupil_id=raw.get("pupil_id"),
        detail=raw.get("detail") or "",
    )


def remark_of(raw: Mapping[str, Any]) -> Remark:
    """A remark of the API's JSON."""
    lesson_date, issued_at = raw.get("lesson_date"), raw.get("issued_at")
    return Remark(
        check_id=raw["check_id"],
        remark_id=raw["remark_id"],
        teacher_id=raw["teacher_id"],
        text=raw["text"],
        status=raw["status"],
        shown_status=raw.get("shown_status") or raw["status"],
        teacher_name=raw.get("teacher_name") or "",
        lesson_id=raw.get("lesson_id"),
        lesson_date=date.fromisoformat(lesson_date) if lesson_date else None,
        class_id=raw.get("class_id"),
        class_label=raw.get("class_label") or "",
        subject_id=raw.get("subject_id"),
        subject_name=raw.get("subject_name") or "",
        finding_id=raw.get("finding_id"),
        issued_at=datetime.fromisoformat(issued_at) if issued_at else None,
        resolve_note=raw.get("resolve_note") or "",
        reopen_reason=raw.get("reopen_reason") or "",
    )


def check_of(raw: Mapping[str, Any]) -> Check:
    """A check of the API's JSON (`GET …/checks/{check_id}`)."""
    opened_at = raw.get("opened_at")
    return Check(
        check_id=raw["check_id"],
        month=raw["month"],
        scope=raw["scope"],
        target_id=raw.get("target_id"),
        opened_by=raw.get("opened_by") or "",
        opened_at=datetime.fromisoformat(opened_at) if opened_at else None,
        closed=bool(raw.get("closed")),
        at_opening=tuple(finding_of(f) for f in raw.get("findings", []) if f["at_opening"]),
        now=tuple(finding_of(f) for f in raw.get("findings", []) if f["now"]),
        remarks=tuple(remark_of(r) for r in raw.get("remarks", [])),
    )
