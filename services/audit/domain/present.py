"""Histories in words: each change as one flat row, ids shown with names (school side).

Used by the JSON histories (as labels), the printable reports and their CSV.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from services.audit.domain.history import Change, Entry, FieldKey
from services.audit.domain.names import Names

TARGETS = {
    "lesson": "урок",
    "mark": "отметка",
    "absence": "пропуск",
    "application": "заявление",
    "staff_uid": "UID сотрудника",
    "grant": "доступ",
    "pupil": "ученик",
    "staff": "сотрудник",
}
FIELDS = {
    "class": "класс",
    "subject": "предмет",
    "date": "дата",
    "slot": "урок по счёту",
    "group": "группа",
    "teacher": "учитель",
    "status": "состояние",
    "topic": "тема",
    "homework": "домашнее задание",
    "homework_due_on": "срок задания",
    "homework_files": "файлы задания",
    "pupil": "ученик",
    "value": "отметка",
    "work_kind": "вид работы",
    "weight": "вес",
    "comment": "комментарий",
    "counts": "учитывается",
    "kind": "отметка посещения",
    "minutes_late": "опоздание, мин",
    "reason": "причина",
    "evidence": "подтверждение",
    "uid": "UID",
    "relation": "кем приходится",
    "applicant": "заявитель",
    "kinship": "родство",
    "contact": "контакт",
    "checked_by": "паспорт проверил",
    "staff": "сотрудник",
    "scope": "область доступа",
    "full_name": "ФИО",
    "birth_date": "дата рождения",
    "position": "должность",
    "since": "в классе с",
    "last_day": "последний день в классе",
    "personal_data": "персональные данные",
}
VALUES = {("personal_data", "erased"): "удалены"}
"""Values shown in words (field name, value -> words)."""
# Fields whose values are ids of people or subjects: shown with the name.
_NAMED = {"teacher": "staff", "checked_by": "staff", "staff": "staff", "pupil": "pupil"}


@dataclass(frozen=True, slots=True)
class Row:
    """One change (or one event that changed nothing visible) as a line of a report."""

    stream: str
    seq: int
    recorded_at: dt.datetime
    occurred_at: dt.datetime | None
    actor: str
    role: str
    event_type: str
    target: str
    field: str
    before: str
    after: str
    why: str


def value_label(key: FieldKey, value: str | None, names: Names) -> str:
    """A field's value in words: ids of people and subjects with their names."""
    if value is None:
        return ""
    if (key.name, value) in VALUES:
        return VALUES[key.name, value]
    kind = "subject" if key.name == "subject" else _NAMED.get(key.name)
    return names.of(kind, value) if kind else value


def target_label(key: FieldKey, pupil_id: str | None, names: Names) -> str:
    """What a field belongs to: `отметка m1 — p1 (Иванов И.)`, `урок`, `ученик: p1 (…)`."""
    words = TARGETS.get(key.target, key.target)
    if key.target == "absence":
        return f"{words}: {names.of('pupil', key.target_id)}"
    if key.target in {"pupil", "staff"}:
        return f"{words}: {names.of(key.target, key.target_id)}"
    label = f"{words} {key.target_id}".strip()
    if pupil_id and key.target in {"mark", "application"}:
        label += f" — {names.of('pupil', pupil_id)}"
    return label


def change_row(entry: Entry, change: Change | None, names: Names) -> Row:
    """The row of one change of an entry (or of the entry itself when `change` is None)."""
    return Row(
        stream=entry.stream,
        seq=entry.seq,
        recorded_at=entry.recorded_at,
        occurred_at=entry.occurred_at,
        actor=names.of("staff", entry.actor_id),
        role=entry.actor_role or "",
        event_type=entry.event_type,
        target="" if change is None else target_label(change.key, change.pupil_id, names),
        field="" if change is None else FIELDS.get(change.key.name, change.key.name),
        before="" if change is None else value_label(change.key, change.before, names),
        after="" if change is None else value_label(change.key, change.after, names),
        why="; ".join(entry.reasons),
    )


def rows(entries: Iterable[Entry], names: Names) -> list[Row]:
    """Every change of the entries as a row; an entry without changes as one row of its own."""
    out: list[Row] = []
    for entry in entries:
        if entry.changes:
            out.extend(change_row(entry, change, names) for change in entry.changes)
        else:
            out.append(change_row(entry, None, names))
    return out
