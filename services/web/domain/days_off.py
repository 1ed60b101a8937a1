"""The school calendar's holidays and vacations as the roster gives them: which day is off and
what it is called, and the whole new list the administrator's form sends (the journal keeps
the calendar as one list, so adding or removing a day off sends every other one with it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from kernel.russian_dates import date_range

KINDS: Final = {"holiday": "праздник", "vacation": "каникулы"}
"""The kinds of day off in the school's words, in the order the form offers them."""


@dataclass(frozen=True, slots=True)
class DayOff:
    """A holiday or a vacation, both ends included."""

    name: str
    kind: str
    starts_on: dt.date
    ends_on: dt.date

    @property
    def kind_text(self) -> str:
        """«праздник» or «каникулы»."""
        return KINDS.get(self.kind, self.kind)

    @property
    def dates_text(self) -> str:
        """«1–8 ноября 2026», one day «4 ноября 2026»."""
        return date_range(self.starts_on, self.ends_on)

    @property
    def key(self) -> str:
        """The day off in one value (a removal form names the one it removes)."""
        return f"{self.starts_on.isoformat()}|{self.ends_on.isoformat()}|{self.kind}|{self.name}"

    def body(self) -> dict[str, str]:
        """The day off as the journal's calendar body lists it."""
        return {
            "name": self.name,
            "kind": self.kind,
            "starts_on": self.starts_on.isoformat(),
            "ends_on": self.ends_on.isoformat(),
        }


def days_off_of(roster: Mapping[str, Any]) -> list[DayOff]:
    """The roster's days off, by their first day."""
    days = [
        DayOff(
            str(d["name"]),
            str(d["kind"]),
            dt.date.fromisoformat(d["starts_on"]),
            dt.date.fromisoformat(d["ends_on"]),
        )
        for d in roster.get("days_off", [])
    ]
    return sorted(days, key=lambda d: (d.starts_on, d.ends_on, d.name))


def day_off_on(days: Iterable[DayOff], day: dt.date) -> DayOff | None:
    """The holiday or vacation the day falls in, if any."""
    return next((d for d in days if d.starts_on <= day <= d.ends_on), None)


def calendar_with(days: Sequence[DayOff], added: Mapping[str, str]) -> dict[str, Any]:
    """The calendar's body with one more day off, as the form typed it (its last day defaults
    to its first: a holiday is usually one day). What the journal refuses (a blank name, an
    unknown kind, a date that is none) is sent as typed, for its refusal to name the field."""
    starts_on = added.get("starts_on", "")
    new = {
        "name": added.get("name", ""),
        "kind": added.get("kind", ""),
        "starts_on": starts_on,
        "ends_on": added.get("ends_on") or starts_on,
    }
    return {"days_off": [*(d.body() for d in days), new]}


def calendar_without(days: Sequence[DayOff], key: str) -> dict[str, Any] | None:
    """The calendar's body without the day off `key` names; None when it is not listed (it
    was removed already)."""
    kept = [d for d in days if d.key != key]
    if len(kept) == len(days):
        return None
    return {"days_off": [d.body() for d in kept]}
