"""The monthly check as the pages show it: the findings grouped by teacher (or class) and
lesson, the teacher's remarks sorted, the forms' values and the refusals in the school's words.

The journal owns every rule of the check: which gaps are findings, whether a remark's finding
still holds (`shown_status`), who may act. Here the findings and remarks it answered are only
read, grouped, sorted and labelled; whether a finding of the opening is gone *now* is the
difference of the two lists the API gives, not a rule computed again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Final, Literal

from services.web.domain.check_models import (
    KIND_LABELS,
    SCOPE_LABELS,
    Check,
    Finding,
    Names,
    Remark,
)

GroupBy = Literal["teacher", "class"]
FindingState = Literal["holds", "gone", "new"]

STATE_LABELS: Final[dict[FindingState, str]] = {
    "holds": "не исправлено",
    "gone": "исправлено после открытия",
    "new": "появилось после открытия",
}
MONTHS: Final = (
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
)  # fmt: skip
_KIND_ORDER: Final = {kind: n for n, kind in enumerate(KIND_LABELS)}
_MONTH: Final = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_TOKEN: Final = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_DIGITS: Final = re.compile(r"^(\d+)(.*)$")
_LONG_AGO: Final = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class ShownFinding:
    """A finding on the check's page: whether it held at opening and holds now, its remarks."""

    finding: Finding
    state: FindingState
    remarks: tuple[Remark, ...] = ()

    @property
    def state_label(self) -> str:
        """The state in words."""
        return STATE_LABELS[self.state]


@dataclass(frozen=True, slots=True)
class LessonFindings:
    """The findings of one lesson (or of one day of a class, for a finding without a lesson)."""

    lesson_id: str | None
    class_id: str
    subject_id: str | None
    teacher_id: str
    day: date
    findings: tuple[ShownFinding, ...]


@dataclass(frozen=True, slots=True)
class FindingGroup:
    """One teacher's (or class's) lessons with findings."""

    key: str
    title: str
    lessons: tuple[LessonFindings, ...]

    @property
    def holding(self) -> int:
        """How many of the group's findings hold now."""
        return sum(1 for lesson in self.lessons for f in lesson.findings if f.state != "gone")


def shown_findings(check: Check) -> list[ShownFinding]:
    """Every finding of the opening and of now, once each, with its state and its remarks."""
    now_ids = {f.finding_id for f in check.now}
    opening_ids = {f.finding_id for f in check.at_opening}
    by_finding: dict[str, list[Remark]] = {}
    for remark in check.remarks:
        if remark.finding_id:
            by_finding.setdefault(remark.finding_id, []).append(remark)

    def remarks_of(finding: Finding) -> tuple[Remark, ...]:
        return tuple(by_finding.get(finding.finding_id, ()))

    shown = [
        ShownFinding(f, "holds" if f.finding_id in now_ids else "gone", remarks_of(f))
        for f in check.at_opening
    ]
    shown += [
        ShownFinding(f, "new", remarks_of(f)) for f in check.now if f.finding_id not in opening_ids
    ]
    return shown


def group_findings(check: Check, by: GroupBy, names: Names) -> list[FindingGroup]:
    """The findings by teacher (or class), then by lesson; groups by name, lessons by day."""
    groups: dict[str, dict[str, list[ShownFinding]]] = {}
    for shown in shown_findings(check):
        f = shown.finding
        key = f.teacher_id if by == "teacher" else f.class_id
        lesson_key = f.lesson_id or f"{f.class_id}:{f.day.isoformat()}"
        groups.setdefault(key, {}).setdefault(lesson_key, []).append(shown)
    title = names.person if by == "teacher" else names.klass
    result = [
        FindingGroup(key, title(key), _lessons(lessons.values())) for key, lessons in groups.items()
    ]
    return sorted(result, key=lambda g: (natural_key(g.title), g.key))


def _lessons(lessons: Iterable[list[ShownFinding]]) -> tuple[LessonFindings, ...]:
    built = []
    for items in lessons:
        first = items[0].finding
        ordered = sorted(
            items, key=lambda s: (_KIND_ORDER.get(s.finding.kind, 99), s.finding.finding_id)
        )
        built.append(
            LessonFindings(
                first.lesson_id,
                first.class_id,
                first.subject_id,
                first.teacher_id,
                first.day,
                tuple(ordered),
            )
        )
    return tuple(sorted(built, key=lambda lesson: (lesson.day, lesson.lesson_id or "")))


def natural_key(text: str) -> tuple[int, str]:
    """Sorts `5А` before `10А` and names alphabetically (a leading number counts as one)."""
    found = _DIGITS.match(text)
    if found:
        return int(found.group(1)), found.group(2).casefold()
    return 10**9, text.casefold()


def remark_text(finding: Finding, names: Names) -> str:
    """The text a remark about a finding starts with (the deputy edits it before issuing)."""
    where = ", ".join(
        part for part in (names.klass(finding.class_id), names.subject(finding.subject_id)) if part
    )
    detail = f" ({finding.detail})" if finding.detail else ""
    return (
        f"Урок {finding.day:%d.%m.%Y}, {where}: {finding.label}{detail}. "
        "Исправьте запись в журнале и отметьте замечание как исправленное."
    )


def month_label(month: str) -> str:
    """`2026-09` → `сентябрь 2026` (anything else as it is)."""
    found = _MONTH.match(month)
    if not found:
        return month
    return f"{MONTHS[int(found.group(2)) - 1]} {found.group(1)}"


def previous_month(today: date) -> str:
    """The month a check is usually opened for: the one before today's, as `YYYY-MM`."""
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year:04d}-{month:02d}"


def check_target(scope: str, class_id: str, teacher_id: str) -> str | None:
    """The target the open-check form names for its scope (a school check has none)."""
    chosen = {"class": class_id, "teacher": teacher_id}.get(scope, "")
    return chosen.strip() or None


def scope_label(scope: str, target_id: str | None, names: Names) -> str:
    """`класс 5А`, `учитель Иванова А. П.`, `вся школа`."""
    label = SCOPE_LABELS.get(scope, scope)
    if scope == "class":
        return f"{label} {names.klass(target_id)}"
    if scope == "teacher" and target_id:
        return f"{label} {names.person(target_id)}"
    return label


def is_token(value: str) -> bool:
    """Whether `value` can be an id of the journal (a check, remark, class, lesson)."""
    return bool(_TOKEN.match(value))


def split_remarks(remarks: Sequence[Remark]) -> tuple[list[Remark], list[Remark]]:
    """A teacher's remarks: those waiting for them first, the rest (done) after; each part
    newest first."""
    newest = sorted(remarks, key=lambda r: r.issued_at or _LONG_AGO, reverse=True)
    return (
        [r for r in newest if r.waits_for_teacher],
        [r for r in newest if not r.waits_for_teacher],
    )


_REFUSALS: Final = {
    "check_closed": "Проверка закрыта: замечания больше не выдаются и не меняются.",
    "check_not_found": "Такой проверки нет.",
    "remark_not_found": "Такого замечания нет.",
    "remark_not_awaiting_confirmation": (
        "Подтвердить или вернуть можно только исправленное замечание."
    ),
    "remark_already_resolved": "Замечание уже отмечено как исправленное.",
    "not_remark_teacher": "Отметить замечание может только учитель, которому оно адресовано.",
    "invalid_check": "Проверку с такими данными открыть нельзя.",
    "invalid_remark": "Такое замечание выдать нельзя.",
    "role_not_allowed": "Это действие выполняет заместитель директора по УВР.",
    "already_exists": "Это уже сделано.",
    "idempotency_key_reused": "Форма устарела: обновите страницу и повторите.",
}
_FIELDS: Final = {
    "text": "Текст замечания",
    "reason": "Причина",
    "note": "Что сделано",
    "month": "Месяц",
    "scope": "Охват",
    "target_id": "Класс или учитель",
}


def refusal_text(reason: str, detail: str, errors: Sequence[Mapping[str, Any]] = ()) -> str:
    """What a refusal of the API means, in Russian, followed by the API's own words."""
    if errors:
        fields = [_field_error(error) for error in errors]
        return "Проверьте: " + "; ".join(fields) + "."
    said = _REFUSALS.get(reason, "Действие не выполнено.")
    return f"{said} ({detail})" if detail else said


def _field_error(error: Mapping[str, Any]) -> str:
    loc = error.get("loc") or []
    name = str(loc[-1]) if loc else ""
    return f"{_FIELDS.get(name, name or 'запрос')}: {error.get('msg', 'неверное значение')}"
