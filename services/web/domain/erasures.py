"""The erasures page, its pure part: the school's words for whose data, who erased it, and the
result of an erasure carried in the page's address (ids and counts only, never a name)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

KIND: Final = {"pupil": "ученик", "staff": "сотрудник"}
KIND_GENITIVE: Final = {"pupil": "ученика", "staff": "сотрудника"}
BY_ROLE: Final = {"system": "по сроку хранения", "admin": "администратор"}
_ID: Final = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


@dataclass(frozen=True, slots=True)
class Result:
    """What an erasure did, as the page reports it after the redirect."""

    kind: str
    person: str
    keys: int
    applications: int
    already: bool

    def text(self) -> str:
        """The report in the school's words."""
        whose = f"{KIND_GENITIVE[self.kind]} {self.person}"
        if self.already:
            return f"Персональные данные {whose} уже были удалены раньше; ничего не записано."
        apps = (
            f", с ними данные заявителей по заявлениям: {self.applications}"
            if self.applications
            else ""
        )
        return f"Персональные данные {whose} удалены: уничтожено ключей — {self.keys}{apps}."


def result_of(query: Mapping[str, str]) -> Result | None:
    """The result in the address (`done`, `kind`, `person`, `keys`, `apps`), or None when there
    is none or it is malformed (an address typed by hand shows nothing)."""
    done, kind, person = query.get("done", ""), query.get("kind", ""), query.get("person", "")
    keys, apps = query.get("keys", "0"), query.get("apps", "0")
    if done not in {"erased", "already"} or kind not in KIND or not _ID.match(person):
        return None
    if not (keys.isdigit() and apps.isdigit()):
        return None
    return Result(kind, person, int(keys), int(apps), already=done == "already")


def when(text: str) -> str:
    """An API time as the page shows it: `2026-12-05 10:00 UTC`."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def years(count: int) -> str:
    """«1 год», «3 года», «5 лет»."""
    last, tens = count % 10, count % 100
    if last == 1 and tens != 11:
        return f"{count} год"
    if 2 <= last <= 4 and not 12 <= tens <= 14:
        return f"{count} года"
    return f"{count} лет"


def erased_by(actor: str, role: str) -> str:
    """Who erased: «по сроку хранения» for the rule, else the user id with their role."""
    if role == "system":
        return BY_ROLE["system"]
    return f"{actor} ({BY_ROLE.get(role, role)})"
