"""The portal's menu by role, and the role names a person reads.

The menu only guides: every page asks the diary's API, which refuses what the person may not
see, and a refusal shows the refusal page. A hidden item is a convenience, never the protection.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

ROLE_NAMES: Final = {"parent": "Родитель", "pupil": "Ученик", "teacher": "Учитель"}
"""The portal's roles, in Russian."""


@dataclass(frozen=True, slots=True)
class MenuItem:
    """A link of the menu: its label and the page's path."""

    label: str
    path: str


_FAMILY: Final = (
    MenuItem("Дневник", "/children"),
    MenuItem("Что нового", "/news"),
    MenuItem("Сообщения", "/messages"),
)
_BY_ROLE: Final[dict[str, tuple[MenuItem, ...]]] = {
    "parent": _FAMILY,
    "pupil": _FAMILY,
    "teacher": (MenuItem("Мои классы", "/classes"), MenuItem("Сообщения", "/messages")),
}


def menu(roles: Iterable[str]) -> list[MenuItem]:
    """The items of every role the person holds, each once, in a stable order."""
    seen: dict[str, MenuItem] = {}
    for role in sorted(set(roles)):
        for item in _BY_ROLE.get(role, ()):
            seen.setdefault(item.path, item)
    return list(seen.values())


def start_page(roles: Iterable[str]) -> str:
    """Where a person lands after signing in: a family's diary, a teacher's classes."""
    held = set(roles)
    if held & {"parent", "pupil"}:
        return "/children"
    if "teacher" in held:
        return "/classes"
    return "/signin"
