"""«Мой класс», the absences: every absence of the range with its letter, reason and who
recorded it, and the journal's refusals of a reason set on the page.

The absences are found in the grids (the letter of each cell) and described by the lessons'
details (reason, evidence, who observed, who gave the reason): the journal's own records,
worded here. Who can read each pupil's diary is `services.web.domain.diary_access`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from kernel.russian_dates import column_day
from services.web.domain.class_teacher import SubjectRef
from services.web.domain.periods import Period

REASONS: Final = {
    "illness": "болезнь (Б)",
    "valid": "уважительная причина (У)",
    "unexcused": "неуважительная причина (П)",
    "unknown": "причина не известна (Н)",
}
"""The reasons the journal knows, in the order the form offers them."""
LETTERS: Final = {
    "Н": "отсутствовал(а), причина не указана",
    "Б": "болел(а)",
    "У": "отсутствовал(а) по уважительной причине",
    "П": "отсутствовал(а) без уважительной причины",
    "ОП": "опоздал(а)",
}


@dataclass(frozen=True, slots=True)
class AbsenceRef:
    """An absence letter in a grid: whose, at which lesson."""

    lesson_id: str
    subject: SubjectRef
    date: dt.date
    slot: int
    pupil_id: str
    pupil_name: str
    letter: str


def absences_in(
    subjects: Sequence[SubjectRef], grids: Mapping[str, Mapping[str, Any]]
) -> list[AbsenceRef]:
    """Every absence and lateness of the grids, by date, lesson number, then pupil."""
    found: list[AbsenceRef] = []
    for subject in subjects:
        grid = grids.get(subject.subject_id, {})
        lessons = {str(x["lesson_id"]): x for x in grid.get("lessons", [])}
        for row in grid.get("rows", []):
            for cell in row.get("cells", []):
                lesson = lessons.get(str(cell["lesson_id"]))
                if not cell.get("absence") or lesson is None:
                    continue
                found.append(
                    AbsenceRef(
                        lesson_id=str(lesson["lesson_id"]),
                        subject=subject,
                        date=dt.date.fromisoformat(lesson["date"]),
                        slot=int(lesson["slot"]),
                        pupil_id=str(row["pupil_id"]),
                        pupil_name=str(row.get("full_name") or row["pupil_id"]),
                        letter=str(cell["absence"]),
                    )
                )
    found.sort(key=lambda a: (a.date, a.slot, a.pupil_name, a.pupil_id))
    return found


def lessons_with_absences(refs: Iterable[AbsenceRef]) -> list[str]:
    """The lessons whose details the absences need, each once, in order."""
    return list(dict.fromkeys(ref.lesson_id for ref in refs))


@dataclass(frozen=True, slots=True)
class AbsenceRow:
    """An absence as the page lists it, with what the form to give its reason needs."""

    ref: AbsenceRef
    date_text: str
    letter_text: str
    reason: str  # the journal's reason id (the form's current choice)
    reason_text: str
    evidence: str
    observed_by: str
    reason_set_by: str
    closed: bool  # in a closed period: a change is a correction, with its reason

    @property
    def key(self) -> str:
        """The row's id in the page (its form's fields and the link back after saving)."""
        return f"{self.ref.lesson_id}--{self.ref.pupil_id}"


def absence_rows(
    refs: Sequence[AbsenceRef],
    details: Mapping[str, Mapping[str, Any]],
    names: Mapping[str, str],
    periods: Sequence[Period],
) -> list[AbsenceRow]:
    """Each absence with the lesson detail's record of it (reason, evidence, who)."""
    rows: list[AbsenceRow] = []
    for ref in refs:
        record = _record(details.get(ref.lesson_id, {}), ref.pupil_id)
        reason = str(record.get("reason") or "unknown")
        setter = record.get("reason_set_by")
        rows.append(
            AbsenceRow(
                ref=ref,
                date_text=f"{column_day(ref.date)}, {ref.slot}-й урок",
                letter_text=LETTERS.get(ref.letter, ref.letter),
                reason=reason,
                reason_text=_reason_text(record, reason),
                evidence=str(record.get("evidence") or ""),
                observed_by=_name(names, record.get("observed_by")),
                reason_set_by=_name(names, setter) if setter else "",
                closed=period_closed(periods, ref.date),
            )
        )
    return rows


def _record(detail: Mapping[str, Any], pupil_id: str) -> Mapping[str, Any]:
    return next((a for a in detail.get("absences", []) if a.get("pupil_id") == pupil_id), {})


def _reason_text(record: Mapping[str, Any], reason: str) -> str:
    text = REASONS.get(reason, reason)
    if record.get("kind") == "late" and record.get("minutes_late"):
        text = f"опоздание {record['minutes_late']} мин; {text}"
    return text


def _name(names: Mapping[str, str], staff_id: object) -> str:
    if not staff_id:
        return "—"
    return names.get(str(staff_id), str(staff_id))


def period_closed(periods: Iterable[Period], day: dt.date) -> bool:
    """Whether the day falls in a closed period."""
    return any(p.closed and p.starts_on <= day <= p.ends_on for p in periods)


REFUSALS: Final = {
    "not_lesson_teacher": "Причину указывает учитель, ведущий урок, или классный руководитель.",
    "pupil_not_absent": "Ученик не отмечен отсутствующим на этом уроке.",
    "nothing_to_change": "Эта причина и подтверждение уже указаны.",
    "period_closed": "Период закрыт: причину меняет только администрация исправлением "
    "(с указанием причины исправления).",
    "year_closed": "Учебный год закрыт: причину меняет только администрация исправлением.",
    "lesson_is_cancelled": "Урок отменён.",
    "lesson_not_found": "Такого урока нет.",
    "role_not_allowed": "Вашей роли это не разрешено.",
    "not_your_class": "Это не ваш класс.",
    "invalid_text": "В тексте недопустимые (невидимые) символы.",
    "concurrency_conflict": "Урок одновременно изменили: повторите.",
    "unknown_reason": "Выберите причину из списка.",
}
_FIELDS: Final = {
    "reason": "причина",
    "evidence": "подтверждение",
    "correction_reason": "причина исправления",
}


def refusal_text(reason: str, detail: str, errors: Sequence[Mapping[str, Any]] = ()) -> str:
    """The journal's refusal in Russian, with its reason code; a validation answer names each
    field it refused."""
    if errors:
        named = [
            f"{_FIELDS.get(str((e.get('loc') or [''])[-1]), 'запрос')}: {e.get('msg', '')}"
            for e in errors
        ]
        return "Проверьте: " + "; ".join(named) + f" ({reason})"
    said = REFUSALS.get(reason, detail or "Запрос не выполнен.")
    return f"{said} ({reason})"
