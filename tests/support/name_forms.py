"""How a teacher may type a person's name, for the tests of the name guard and the PII scan.

Every case (the six of Russian grammar) of every shape the guard knows: full name in either
order, surname and first name in either order, first name and patronymic, surname with one or
two initials on either side. Declined forms come from pymorphy3's inflection of each part's
singular nominative parse as that part (a surname, first name, patronymic) of the person's
gender, which the first name tells; so they are the dictionary's, not hand-written endings.
"""

from __future__ import annotations

import re
from typing import Any, Final, Literal

from services.common.name_forms import analyzer, normalised

Gender = Literal["masc", "femn"]
Role = Literal["surname", "first", "patronymic"]
CASES: Final = ("nomn", "gent", "datv", "accs", "ablt", "loct")
SHAPES: Final = (
    "full",
    "full-first",
    "surname-first",
    "first-surname",
    "first-patronymic",
    "surname-initials",
    "surname-initial",
    "initials-surname",
    "initial-surname",
)
_GRAMMEME: Final = {"surname": "Surn", "first": "Name", "patronymic": "Patr"}
_TOKEN: Final = re.compile(r"[^\W\d_]+\.?")


def gender_of(first_name: str) -> Gender:
    """The gender the dictionary gives a first name (masculine when it does not say)."""
    for parse in analyzer().parse(first_name):
        if "Name" in parse.tag and "femn" in parse.tag:
            return "femn"
        if "Name" in parse.tag and "masc" in parse.tag:
            return "masc"
    return "masc"


def declined(word: str, role: Role, gender: Gender, case: str) -> str:
    """`word` (a part of a name) in `case`, capitalised as a name is typed."""
    parses = analyzer().parse(word)

    def fits(tag: Any, *, strict: bool) -> bool:
        if _GRAMMEME[role] not in tag or "sing" not in tag or "nomn" not in tag:
            return False
        return not strict or gender in tag or "ms-f" in tag

    chosen = (
        [p for p in parses if fits(p.tag, strict=True)]
        or [p for p in parses if fits(p.tag, strict=False)]
        or parses
    )
    form = chosen[0].inflect({case})
    text = word if form is None else str(form.word)
    return "-".join(piece[:1].upper() + piece[1:] for piece in text.split("-"))


def mention(full_name: str, shape: str, case: str, *, joined: str = " ") -> str | None:
    """`full_name` («Фамилия Имя [Отчество]») typed in `shape` and `case` (None: the shape
    needs a patronymic the name lacks); `joined` stands between two initials."""
    surname, first, *rest = full_name.split()
    patronymic = rest[0] if rest else None
    gender = gender_of(first)
    s = declined(surname, "surname", gender, case)
    f = declined(first, "first", gender, case)
    p = declined(patronymic, "patronymic", gender, case) if patronymic else None
    one = f"{first[0]}."
    both = joined.join([one, f"{patronymic[0]}."]) if patronymic else None
    shapes = {
        "full": " ".join(x for x in (s, f, p) if x),
        "full-first": " ".join(x for x in (f, p, s) if x),
        "surname-first": f"{s} {f}",
        "first-surname": f"{f} {s}",
        "first-patronymic": p and f"{f} {p}",
        "surname-initials": both and f"{s} {both}",
        "surname-initial": f"{s} {one}",
        "initials-surname": both and f"{both} {s}",
        "initial-surname": f"{one} {s}",
    }
    return shapes[shape]


def mentions(full_name: str) -> set[str]:
    """Every shape of the name in every case."""
    found = {mention(full_name, shape, case) for shape in SHAPES for case in CASES}
    found |= {mention(full_name, s, "nomn", joined="") for s in ("surname-initials",)}
    return {m for m in found if m}


def tokens(text: str) -> list[str]:
    """A text as the scan reads it: words and initials («в.»), lowercase, «ё» as «е»."""
    found = []
    for match in _TOKEN.finditer(text):
        word = match.group()
        if len(word) > 2 and word.endswith("."):  # a word, not an initial
            word = word[:-1]
        found.append(normalised(word))
    return found


def ngrams(words: list[str], sizes: tuple[int, ...] = (2, 3)) -> set[tuple[str, ...]]:
    """Every run of `sizes` adjacent tokens."""
    return {tuple(words[i : i + n]) for n in sizes for i in range(len(words) - n + 1)}
