"""The journal's refusal of a lesson save, put beside the fields it concerns, in Russian.

The journal refuses the whole save (nothing is recorded); its answer names the problem
(`reason`, `detail`) and, for a request that does not match the API (422), each error's place
in the body (`loc`). The page shows each message beside the cell it concerns: `loc`
`["body", "marks", i, ...]` is the i-th mark sent, so its pupil's cell; a domain refusal names
the mark value or the pupil in its detail. What concerns no one field goes to the form.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

from services.web.domain.lesson_entry import FILES, FORM, SavePlan

REASON_TEXT: Final[dict[str, str]] = {
    "mark_not_on_scale": "Такой оценки нет в шкале школы",
    "not_marked_subject": "Предмет в этом классе без отметок: отметки не ставятся",
    "day_off_lesson": "Этот день — выходной по календарю школы: уроков в нём нет",
    "unknown_work_kind": "Такого вида работы нет в списке школы",
    "pupil_not_in_class": "Ученика нет в классе на дату урока",
    "duplicate_pupil": "Ученик указан дважды",
    "pupil_not_absent": "Ученик не отмечен отсутствующим",
    "invalid_attendance": "Неверная отметка посещаемости",
    "period_closed": "Период закрыт: записи урока меняются только исправлением администрации",
    "year_closed": "Учебный год закрыт: записи меняются только исправлением администрации",
    "lesson_in_future": "Урок ещё не наступил: «проведён», оценки и посещаемость — в день урока",
    "not_lesson_teacher": "Записи урока вносит учитель, ведущий урок",
    "role_not_allowed": "Вашей роли это не разрешено",
    "lesson_is_cancelled": "Урок отменён: записи не вносятся",
    "lesson_not_found": "Такого урока нет",
    "nothing_to_change": "Нечего сохранять: ничего не заполнено",
    "invalid_text": "В тексте недопустимые (невидимые) символы",
    "idempotency_key_reused": "Эта форма уже сохранялась с другими данными: обновите страницу",
    "file_too_large": "Файл слишком большой",
    "unsupported_file_type": "Файлы такого типа не принимаются",
    "empty_file": "Файл пустой",
    "concurrency_conflict": "Урок одновременно изменили: повторите сохранение",
}
_ERROR_TEXT: Final[dict[str, str]] = {
    "string_too_short": "Не заполнено",
    "string_too_long": "Слишком длинный текст",
    "too_long": "Слишком много значений",
    "string_pattern_mismatch": "Недопустимое значение",
    "date_from_datetime_parsing": "Неверная дата",
    "date_parsing": "Неверная дата",
    "date_type": "Неверная дата",
    "missing": "Не заполнено",
    "invalid_text": "Недопустимые (невидимые) символы",
}
_BODY_FIELDS: Final = {
    ("topic",): "topic",
    ("homework",): "hw_text",
    ("homework", "text"): "hw_text",
    ("homework", "due_on"): "hw_due",
    ("held",): "held",
}
_QUOTED_MARK: Final = re.compile(r"mark '([^']*)'")
_QUOTED_KIND: Final = re.compile(r"kind of work '([^']*)'")
_QUOTED_PUPIL: Final = re.compile(r"pupil '([^']*)'")


def message(reason: str, detail: str) -> str:
    """A refusal in Russian, with the journal's reason code (the API's words when the page
    has none of its own)."""
    text = REASON_TEXT.get(reason, detail or "Запрос не выполнен")
    return f"{text} ({reason})"


def locate(
    plan: SavePlan, reason: str, detail: str, errors: Sequence[Mapping[str, Any]] = ()
) -> dict[str, str]:
    """Field → message for a refusal of the save `plan` (FORM for the whole save)."""
    if errors:
        return _validation(plan, reason, errors)
    found = _QUOTED_MARK.search(detail) if reason == "mark_not_on_scale" else None
    if found is not None:  # the journal names the first; each cell with the value is refused
        value = found.group(1)
        text = f"Оценки «{value}» нет в шкале школы ({reason})"
        cells = {m.field: text for m in plan.marks if m.value == value}
        return cells or {FORM: text}
    return {_domain_field(plan, reason, detail): message(reason, detail)}


def _validation(plan: SavePlan, reason: str, errors: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    located: dict[str, str] = {}
    for error in errors:
        loc = [part for part in error.get("loc", ()) if part != "body"]
        where = _body_field(plan, loc)
        kind = str(error.get("type", ""))
        text = _ERROR_TEXT.get(kind, str(error.get("msg", "")) or "Неверное значение")
        text = f"{text} ({reason})"
        located[where] = f"{located[where]}; {text}" if where in located else text
    return located


def _body_field(plan: SavePlan, loc: Sequence[Any]) -> str:
    """The form field of a place in the save's body."""
    index = loc[1] if len(loc) >= 2 and isinstance(loc[1], int) else None
    if loc[:1] == ["marks"] and index is not None and index < len(plan.marks):
        mark = plan.marks[index]
        return mark.kind_field if loc[2:3] == ["work_kind_id"] else mark.field
    if loc[:1] == ["attendance"] and index is not None and index < len(plan.attendance_pupils):
        return f"att.{plan.attendance_pupils[index]}"
    return _BODY_FIELDS.get(tuple(str(part) for part in loc[:2]), FORM)


def _domain_field(plan: SavePlan, reason: str, detail: str) -> str:
    """The field a refusal without `loc` concerns, as its detail names it."""
    if reason == "unknown_work_kind" and (found := _QUOTED_KIND.search(detail)):
        kind = found.group(1)
        return next((m.kind_field for m in plan.marks if m.work_kind_id == kind), FORM)
    if (found := _QUOTED_PUPIL.search(detail)) and reason in {
        "pupil_not_in_class",
        "duplicate_pupil",
        "pupil_not_absent",
        "invalid_attendance",
    }:
        return plan.pupil_field(found.group(1))
    if reason == "lesson_in_future":
        return "held"
    if reason in {"file_too_large", "unsupported_file_type", "empty_file"}:
        return FILES
    return FORM
