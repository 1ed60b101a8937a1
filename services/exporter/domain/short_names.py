"""Surname and initials: the only form in which a name crosses to the portal side.

The journal keeps a member of staff's name as written, surname first («Иванова Анна Викторовна»).
Schools publish their teachers' names (by law), and the diary shows them as the school's own
documents do: «Иванова А. В.». The short form is computed here, on the school side, so that a
first name or a patronymic never leaves it, not even inside the exporter's own documents.
"""

from __future__ import annotations

MAX_INITIALS = 2
"""First name and patronymic; what follows (a particle such as «оглы») is part of the latter."""
MAX_PARTS = 2
"""Parts of a hyphenated given name that get an initial («Анна-Мария» -> «А.-М.»)."""


def short_name(full_name: str) -> str:
    """«Иванова Анна Викторовна» -> «Иванова А. В.»; «Петров Олег» -> «Петров О.»;
    a one-word name stays as it is; «Ким Анна-Мария» -> «Ким А.-М.»."""
    surname, *given = full_name.split()
    initials = [initial for word in given[:MAX_INITIALS] if (initial := _initial(word))]
    return " ".join([surname, *initials])


def _initial(word: str) -> str:
    """A word's initial with its dot, each part of a hyphenated name on its own («А.-М.»);
    empty for a word without a letter or digit."""
    parts = [p for p in (_first_alnum(part) for part in word.split("-")) if p]
    return "-".join(f"{p}." for p in parts[:MAX_PARTS])


def _first_alnum(part: str) -> str:
    """The first letter or digit of `part`, capitalised when that keeps it one character."""
    for char in part:
        if char.isalnum():
            upper = char.upper()
            return upper if len(upper) == 1 else char
    return ""
