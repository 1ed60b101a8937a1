"""The administrator's pages, their pure part: the school's words for the APIs' values, which
form field a refusal concerns, the next free pupil id, and the rollover's exceptions carried in
the page's address.

Nothing here decides what the administrator may do: the APIs do (DESIGN.md §6). This module
only turns their answers into what a person reads.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

APPLICATION_STATUS: Final = {
    "submitted": "подано",
    "checked": "паспорт проверен",
    "approved": "одобрено",
    "rejected": "отклонено",
    "withdrawn": "отозвано",
    "ended": "прекращено",
}
OPEN_STATUSES: Final = frozenset({"submitted", "checked"})
"""Applications still waiting for a decision (the forms of the decision are shown for them)."""

RELATION: Final = {"parent": "родитель (законный представитель)", "pupil": "сам ученик"}
KINSHIP: Final = {
    "mother": "мать",
    "father": "отец",
    "adoptive-parent": "усыновитель",
    "guardian": "опекун",
    "trustee": "попечитель",
}
REQUESTER: Final = {"parent": "родитель", "pupil": "ученик", "school": "школа"}

RUN_STATUS: Final = {
    "running": "идёт",
    "published": "отправлена",
    "empty": "нет изменений",
    "failed": "ошибка",
}
RUN_KIND: Final = {"delta": "изменения за день", "full": "полная"}
RUN_TRIGGER: Final = {
    "schedule": "по расписанию",
    "api": "вручную",
    "cli": "из командной строки",
    "rollover": "перевод года",
}
PROBLEM: Final = {
    "missing_in_diary": "нет в дневнике",
    "extra_in_diary": "лишнее в дневнике",
    "different": "различается",
}
RECORD_KIND: Final = {"class": "класс", "lesson": "урок", "period-marks": "итоговые оценки"}

OUTCOME: Final = {
    "promoted": "переведён",
    "promoted_conditionally": "переведён условно (с академической задолженностью)",
    "repeating": "оставлен на повторное обучение",
    "graduated": "выпускник",
    "none": "не записано",
}

REFUSAL: Final = {
    "not_checked": "Сначала отметьте проверку паспорта.",
    "uid_already_linked": "Этот UID уже связан с учеником.",
    "idempotency_key_reused": "Форма устарела: обновите страницу и заполните её снова.",
    "invalid_request": "Проверьте отмеченные поля формы.",
    "person_not_found": "Такого ученика или сотрудника школа не знает: проверьте код.",
    "person_erased": "Персональные данные этого человека удалены: записать их снова нельзя.",
    "periods_in_use": "Периоды этих классов уже не меняются: один из их периодов закрыт "
    "(сначала откройте его снова).",
    "invalid_periods": "Периоды не подходят: они пересекаются или выходят за учебный год, "
    "либо код периода у других классов означает другие даты.",
    "invalid_grades": "Выберите классы с 1 по 11.",
    "invalid_calendar": "Выходные должны быть внутри учебного года, конец — не раньше начала.",
    "unknown_subject": "Такого предмета в этом учебном году нет.",
    "nothing_to_change": "Так уже записано: менять нечего.",
    "year_closed": "Учебный год закрыт: его план больше не меняется.",
    "school_year_not_open": "Учебный год ещё не открыт.",
    "rollover_refused": "Перевод так выполнить нельзя:",
    "no_timetable_draft": "У класса нет предложенного расписания: его уже утвердили или "
    "задали вручную.",
    "class_not_found": "Такого класса в этом учебном году нет.",
    "timetable_clash": "В расписании два урока в одно время у одного класса или учителя: "
    "исправьте расписание.",
    "teacher_not_assigned": "В расписании учитель, который больше не ведёт этот предмет в "
    "классе: исправьте назначения или расписание.",
}
"""The school's words for refusals a form often meets; others show the API's own detail."""

FIELD_PROBLEM: Final = {
    "missing": "обязательное поле",
    "string_too_short": "слишком коротко",
    "string_too_long": "слишком длинно",
    "string_pattern_mismatch": "недопустимые знаки",
    "int_parsing": "нужно целое число",
    "int_type": "нужно целое число",
    "greater_than": "слишком маленькое число",
    "less_than": "слишком большое число",
    "date_parsing": "нужна дата",
    "date_from_datetime_parsing": "нужна дата",
    "date_type": "нужна дата",
    "literal_error": "выберите значение из списка",
    "extra_forbidden": "лишнее поле",
}
"""Validation problems (pydantic's error `type`) in the school's words; others keep the API's
own message."""

_WHERE: Final = frozenset({"body", "query", "path"})
_NUMBERED: Final = re.compile(r"^(?P<prefix>\D*)(?P<number>\d+)$")


def label(words: Mapping[str, str], value: str | None) -> str:
    """The school's word for an API value (the value itself when there is none, "—" for no
    value), so that a value a newer API adds still shows."""
    if value is None:
        return "—"
    return words.get(value, value)


def field_errors(errors: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """A validation refusal's messages by the form field they concern.

    The web's form fields are named as the API's body fields, so the last name of an error's
    `loc` (`["body", "uid"]`) is the field; an error of the whole body goes under "".
    """
    found: dict[str, list[str]] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", ()) if not isinstance(part, int)]
        names = [part for part in loc if part not in _WHERE]
        field = names[0] if names else ""
        kind = str(error.get("type", ""))
        found.setdefault(field, []).append(FIELD_PROBLEM.get(kind) or str(error.get("msg", "")))
    return {field: "; ".join(m for m in messages if m) for field, messages in found.items()}


def shown(value: object) -> str:
    """A value of a diary-check difference as text ("—" for none), Cyrillic kept readable."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def next_pupil_id(existing: Iterable[str]) -> str:
    """A free pupil id following the school's numbering (`p0999` → `p1000`); `p0001` when the
    ids follow none. The administrator may type another: it is only a suggestion."""
    widths: Counter[tuple[str, int]] = Counter()
    highest: dict[str, int] = {}
    for pupil_id in existing:
        match = _NUMBERED.match(pupil_id)
        if match is None:
            continue
        prefix, digits = match["prefix"], match["number"]
        widths[(prefix, len(digits))] += 1
        highest[prefix] = max(highest.get(prefix, 0), int(digits))
    if not widths:
        return "p0001"
    (prefix, width), _count = widths.most_common(1)[0]
    return f"{prefix}{highest[prefix] + 1:0{width}d}"


def class_sizes(pupils: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """How many of the year's pupils each class has today (`class_id` of `GET …/pupils`)."""
    return dict(Counter(p["class_id"] for p in pupils if p.get("class_id")))


def pupils_by_class(
    pupils: Iterable[Mapping[str, Any]], class_order: Sequence[str]
) -> list[tuple[str | None, list[Mapping[str, Any]]]]:
    """The pupils grouped by their class today, classes in the roster's order, pupils by name;
    pupils in no class come last (class None)."""
    groups: dict[str | None, list[Mapping[str, Any]]] = {}
    for pupil in pupils:
        groups.setdefault(pupil.get("class_id") or None, []).append(pupil)
    rank = {class_id: n for n, class_id in enumerate(class_order)}
    keys = sorted(groups, key=lambda k: (k is None, rank.get(k or "", len(rank)), k or ""))
    return [(k, sorted(groups[k], key=lambda p: str(p.get("full_name", "")))) for k in keys]


def membership(since: dt.date, last_day: dt.date | None, today: dt.date) -> str:
    """Where a membership interval stands today: "current", "future" or "left"."""
    if since > today:
        return "future"
    if last_day is not None and last_day < today:
        return "left"
    return "current"


def day_after(text: str) -> str | None:
    """The day after an ISO date (a pupil transferred joins the new class the day after their
    last day in the old one); None when `text` is no date."""
    try:
        return (dt.date.fromisoformat(text) + dt.timedelta(days=1)).isoformat()
    except ValueError:
        return None


def period_state(starts_on: dt.date, ends_on: dt.date, today: dt.date) -> str:
    """Whether a period is ahead, going on or over, in the school's words."""
    if today < starts_on:
        return "впереди"
    if today > ends_on:
        return "прошёл"
    return "идёт"


# ---------------------------------------------------------------- the rollover's exceptions


@dataclass(frozen=True, slots=True)
class Decision:
    """An exception to "everyone is promoted": a pupil's outcome and, if conditional, the
    subjects they owe."""

    pupil_id: str
    outcome: str
    debts: tuple[str, ...] = ()

    def encoded(self) -> str:
        """The decision as one query value: `p0415:promoted_conditionally:math,russian`."""
        tail = f":{','.join(self.debts)}" if self.debts else ""
        return f"{self.pupil_id}:{self.outcome}{tail}"


def decision_of(text: str) -> Decision | None:
    """A decision read back from the page's address (None for one that is not)."""
    parts = text.strip().split(":")
    if len(parts) not in {2, 3} or not parts[0] or not parts[1]:
        return None
    debts = tuple(d for d in parts[2].split(",") if d) if len(parts) == 3 else ()
    return Decision(parts[0], parts[1], debts)


def decisions_of(texts: Iterable[str]) -> list[Decision]:
    """The page's decisions, one per pupil (the last one given wins), in the order given."""
    found: dict[str, Decision] = {}
    for text in texts:
        decision = decision_of(text)
        if decision is not None:
            found.pop(decision.pupil_id, None)
            found[decision.pupil_id] = decision
    return list(found.values())


def rollover_body(
    decisions: Iterable[Decision],
    *,
    dry_run: bool,
    first_grade: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The body of `POST …/rollover` for these decisions and the new first grade's classes
    (left out when there are none)."""
    outcomes = {d.pupil_id: {"outcome": d.outcome, "debts": list(d.debts)} for d in decisions}
    admitted = {"first_grade": [dict(k) for k in first_grade]} if first_grade else {}
    return {"outcomes": outcomes, **admitted, "dry_run": dry_run}
