"""The menu a member of staff sees, by role (what each role's work is, in the school's words).

The menu only guides: every page asks the APIs, which refuse what the role may not do, and a
refusal shows the refusal page. So a hidden item is a convenience, never the protection.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MenuItem:
    """A link of the menu: its label and the page's path."""

    label: str
    path: str


_BY_ROLE: dict[str, tuple[MenuItem, ...]] = {
    "teacher": (
        MenuItem("Мой день", "/day"),
        MenuItem("Журнал", "/journal"),
        MenuItem("Мой класс", "/class"),
        MenuItem("Замечания", "/remarks"),
    ),
    "deputy": (
        MenuItem("Журнал", "/journal"),
        MenuItem("Проверка журнала", "/checks"),
        MenuItem("История изменений", "/audit"),
    ),
    "admin": (
        MenuItem("Журнал", "/journal"),
        MenuItem("Классы и ученики", "/admin/roster"),
        MenuItem("Сотрудники", "/admin/staff"),
        MenuItem("Заявления родителей", "/admin/applications"),
        MenuItem("Выгрузка в дневник", "/admin/exports"),
        MenuItem("Периоды", "/admin/periods"),
        MenuItem("План года", "/admin/year-plan"),
        MenuItem("Перевод учебного года", "/admin/rollover"),
        MenuItem("Персональные данные", "/admin/erasures"),
    ),
    "head": (
        MenuItem("Журнал", "/journal"),
        MenuItem("Проверка журнала", "/checks"),
        MenuItem("История изменений", "/audit"),
        MenuItem("Персональные данные", "/admin/erasures"),
    ),
    "auditor": (
        MenuItem("История изменений", "/audit"),
        MenuItem("Проверка целостности", "/audit/verify"),
    ),
}

ROLE_NAMES: dict[str, str] = {
    "teacher": "учитель",
    "deputy": "заместитель директора по УВР",
    "admin": "ответственный администратор",
    "head": "директор",
    "auditor": "аудитор",
}
"""The staff roles the school's pages serve, in Russian; portal roles sign in elsewhere."""


def menu(roles: Iterable[str]) -> list[MenuItem]:
    """The items of every role held, in the roles' order, each path once."""
    seen: set[str] = set()
    items: list[MenuItem] = []
    for role in ROLE_NAMES:
        if role not in roles:
            continue
        for item in _BY_ROLE[role]:
            if item.path not in seen:
                seen.add(item.path)
                items.append(item)
    return items


def start_page(roles: Iterable[str]) -> str:
    """Where a person lands after signing in: the first item of their menu."""
    items = menu(roles)
    return items[0].path if items else "/signin"
