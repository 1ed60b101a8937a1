"""The name guard: finds the school's pupils named in a free text and replaces each mention.

A teacher's free text (a mark comment, a topic, a homework text, a file name) may name a pupil:
«Акимова Вероника Антоновна — молодец», «спросить Акимову В.», «В. А. Акимовой — зачёт». The
portal side must never receive a pupil's name, so the exporter passes every exported text
through `NameGuard.redact` with the school's roster, and the journal warns a teacher who types
one (`NameGuard.count`). This module is the one place that says what a mention is.

A mention is two or three adjacent words (only white space, or the «_» and «-» of a file name,
between them) that are the parts of
**one** roster pupil's name, in any grammatical case, in one of these shapes:

- surname, first name [, patronymic] — «Акимова Вероника», «Акимовой Веронике Антоновне»;
- first name [, patronymic], surname — «Вероника Акимова», «Веронику Антоновну Акимову»;
- first name, patronymic — «Вероника Антоновна»;
- surname and initials, either order — «Акимова В.», «Акимову В. А.», «В.А. Акимова».

A word plays a part of a name when its normal forms (lemmas over every parse of the Russian
morphology library pymorphy3), or the word itself, are among the forms of that part: the part's
own lemmas and its whole paradigm (every case and number) under the parse that the dictionary
gives it as a surname, first name or patronymic (any parse when it knows none such). Both sides
are lowercased and «ё» is read as «е», so «Артём» and «Артем», «АКИМОВА» and «акимова» agree.
An initial is one capital letter with a dot; it stands for the first name (then the
patronymic) when their first letters agree, and a mention takes every initial written on its
side of the surname («И. А. Крылова» is no mention of «Крылова Алиса …»).

Each mention becomes `PLACEHOLDER`; a text without one comes back as the very same string.

What is *not* a mention (the limits): a surname or a first name alone («Акимова молодец»: a
surname is often an ordinary word or a writer's name in a topic, so one word alone is never
redacted); diminutives and other forms the dictionary does not relate to the registered name
(«Ника», «Саша»); a misspelt name; words separated by punctuation («Акимова, Вероника»). A
pupil whose name parts are ordinary words («Белая Роза») makes that pair of words redacted in
any text — over-redaction, never a leak.

Cost: the morphological analyser is built once per process and every word's forms are cached
(`services.common.name_forms`), so a guard over a roster of a thousand pupils is built in a few
milliseconds once its names were seen, and a short text costs microseconds per word once its
words were seen (a word never seen before costs one parse, about 60 µs).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final, Literal, NamedTuple

from services.common.name_forms import Role, normalised, part_forms, word_forms

PLACEHOLDER: Final = "[ученик]"
"""What a mention of a pupil becomes."""

_Slot = Literal["surname", "first", "patronymic", "initial1", "initial2"]

# The shapes of a mention, longest first: a match is the longest one that fits.
_SHAPES: tuple[tuple[_Slot, ...], ...] = (
    ("surname", "first", "patronymic"),
    ("first", "patronymic", "surname"),
    ("surname", "initial1", "initial2"),
    ("initial1", "initial2", "surname"),
    ("surname", "first"),
    ("first", "surname"),
    ("first", "patronymic"),
    ("surname", "initial1"),
    ("initial1", "surname"),
)
_LONGEST = max(len(shape) for shape in _SHAPES)

# A word: letters, possibly joined by hyphens (a double surname); an initial is a one-letter
# word directly followed by a dot.
_WORD = re.compile(r"(?<![^\W_])[^\W\d_]+(?:-[^\W\d_]+)*")
# What may stand between the words of a name: white space, or the underscores and hyphens of
# a file name («Акимова_Вероника.pdf»).
_GAP = re.compile(r"[\s_-]*")


class Redaction(NamedTuple):
    """A text after the guard, and how many mentions it replaced."""

    text: str
    replaced: int


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    word: str  # normalised (lowercase, «ё» as «е»); the letter of an initial
    initial: bool


@dataclass(frozen=True, slots=True)
class _Pupil:
    full_name: str  # as given to the guard
    parts: Mapping[Role, str]  # the name's parts as registered
    initials: tuple[str, str | None]  # first letters of the first name and the patronymic


def _split(full_name: str) -> dict[Role, str] | None:
    """«Фамилия Имя [Отчество…]» -> its parts (normalised); None without a first name."""
    words = _WORD.findall(normalised(full_name))
    if len(words) < 2:
        return None
    parts: dict[Role, str] = {"surname": words[0], "first": words[1]}
    if len(words) > 2:  # «… оглы», «… кызы»: the patronymic is its first word
        parts["patronymic"] = words[2]
    return parts


class NameGuard:
    """Finds the pupils of a roster (full names «Фамилия Имя Отчество», the patronymic
    optional) in texts. Build it with `guard_for` to share it between equal rosters."""

    def __init__(self, full_names: Iterable[str]) -> None:
        pupils: list[_Pupil] = []
        index: dict[str, list[tuple[int, Role]]] = {}
        for full_name in dict.fromkeys(full_names):
            parts = _split(full_name)
            if parts is None:
                continue
            number = len(pupils)
            patronymic = parts.get("patronymic")
            pupils.append(
                _Pupil(full_name, parts, (parts["first"][0], patronymic and patronymic[0]))
            )
            for role, word in parts.items():
                for form in part_forms(word, role):
                    index.setdefault(form, []).append((number, role))
        self._pupils = tuple(pupils)
        self._index = index

    def __len__(self) -> int:
        """How many roster names the guard looks for."""
        return len(self._pupils)

    def redact(self, text: str) -> Redaction:
        """The text with every mention of a roster pupil replaced by `PLACEHOLDER`."""
        return self.named(text)[0]

    def named(self, text: str) -> tuple[Redaction, frozenset[str]]:
        """`redact`, and the full names (as given to the guard) the mentions may stand for:
        every roster name a mention fits («Акимова В.» fits each Акимова whose first name
        starts with В)."""
        mentions = self._mentions(text)
        if not mentions:
            return Redaction(text, 0), frozenset()
        pieces: list[str] = []
        at = 0
        for start, end, _ in mentions:
            pieces += [text[at:start], PLACEHOLDER]
            at = end
        pieces.append(text[at:])
        names = frozenset(self._pupils[n].full_name for *_, numbers in mentions for n in numbers)
        return Redaction("".join(pieces), len(mentions)), names

    def count(self, text: str) -> int:
        """How many mentions of roster pupils the text holds."""
        return len(self._mentions(text))

    def _mentions(self, text: str) -> list[tuple[int, int, frozenset[int]]]:
        """Each mention's span and the pupils (by number) it fits."""
        if not self._pupils or not text:
            return []
        tokens: list[_Token] = []
        roles: list[dict[int, set[Role]]] = []
        for token in _tokens(text):
            found = self._roles(token)
            # A hyphenated word that is no double surname may join two parts of a name
            # («Акимова-Вероника.pdf»): its pieces are read as words.
            pieces = _pieces(text, token) if not found and "-" in token.word else [token]
            tokens += pieces
            roles += [found] if pieces == [token] else [self._roles(p) for p in pieces]
        if not any(roles):
            return []
        spans: list[tuple[int, int, frozenset[int]]] = []
        i = floor = 0
        while i < len(tokens):
            length, numbers = self._longest_at(text, tokens, roles, i, floor)
            if length:
                last = tokens[i + length - 1]
                # «Акимова_В.pdf»: the dot of a last initial glued to a word is the word's.
                glued = (
                    last.initial and text[last.end - 1] == "." and text[last.end :][:1].isalnum()
                )
                spans.append((tokens[i].start, last.end - glued, numbers))
                i = floor = i + length
            else:
                i += 1
        return spans

    def _roles(self, token: _Token) -> dict[int, set[Role]]:
        """The pupils (by number) whose name parts the token may be, with those parts."""
        if token.initial:
            return {}
        found: dict[int, set[Role]] = {}
        for form in word_forms(token.word):
            for number, role in self._index.get(form, ()):
                found.setdefault(number, set()).add(role)
        return found

    def _longest_at(
        self,
        text: str,
        tokens: list[_Token],
        roles: list[dict[int, set[Role]]],
        i: int,
        floor: int,
    ) -> tuple[int, frozenset[int]]:
        """The length (in tokens) of the longest mention starting at token `i`, or 0 (tokens
        before `floor` belong to an earlier mention), and the pupils (by number) it fits."""
        reach = 1
        while (
            reach < _LONGEST
            and i + reach < len(tokens)
            and _GAP.fullmatch(text, tokens[i + reach - 1].end, tokens[i + reach].start)
        ):
            reach += 1
        if reach < 2:
            return 0, frozenset()
        candidates = {n for r in roles[i : i + reach] for n in r}
        best: tuple[int, frozenset[int]] = (0, frozenset())
        for shape in _SHAPES:
            if len(shape) > reach or len(shape) <= best[0]:
                continue
            if not _whole_initials(text, tokens, (floor, i), shape):
                continue
            fitting = frozenset(
                number
                for number in candidates
                if all(
                    self._plays(tokens[i + k], roles[i + k], number, slot)
                    for k, slot in enumerate(shape)
                )
            )
            if fitting:
                best = (len(shape), fitting)
        return best

    def _plays(self, token: _Token, roles: dict[int, set[Role]], number: int, slot: _Slot) -> bool:
        if slot == "initial1":
            return token.initial and token.word == self._pupils[number].initials[0]
        if slot == "initial2":
            return token.initial and token.word == self._pupils[number].initials[1]
        return slot in roles.get(number, ())


def _whole_initials(
    text: str, tokens: list[_Token], at: tuple[int, int], shape: tuple[_Slot, ...]
) -> bool:
    """Whether a shape with initials, at token `at[1]`, takes every initial written on its
    side of the surname (tokens before `at[0]` belong to an earlier mention): in «Басни И. А.
    Крылова» the initials are «И. А.», so «А. Крылова» alone is no mention of «Крылова Алиса»;
    in «Пушкин А. С.» neither is «Пушкин А.» one of «Пушкин Артём Игоревич». An initial after
    the shape that starts another name («Акимова В. И. Петров») is that name's."""
    floor, i = at
    end = i + len(shape)

    def adjacent(j: int) -> bool:
        return _GAP.fullmatch(text, tokens[j - 1].end, tokens[j].start) is not None

    if shape[0].startswith("initial") and i > floor and tokens[i - 1].initial and adjacent(i):
        return False
    more = end < len(tokens) and tokens[end].initial and adjacent(end)
    if shape[-1].startswith("initial") and more:
        return end + 1 < len(tokens) and adjacent(end + 1)  # that initial starts a name
    return True


def _tokens(text: str) -> list[_Token]:
    """The words and initials of a text, in order."""
    return [_token(text, *found.span()) for found in _WORD.finditer(text)]


def _token(text: str, start: int, end: int) -> _Token:
    """The word at [start, end): an initial when it is one capital letter with a dot, or
    joined to the next word by «_» or «-» as in a file name («Акимова_В_А.pdf»)."""
    word = text[start:end]
    if len(word) == 1 and word.isupper():
        after = text[end : end + 1]
        if after == ".":
            return _Token(start, end + 1, normalised(word), initial=True)
        if (after and after in "_-") or text[start - 1 : start] in ("_", "-"):
            return _Token(start, end, normalised(word), initial=True)
    return _Token(start, end, normalised(word), initial=False)


def _pieces(text: str, token: _Token) -> list[_Token]:
    """A hyphenated word's pieces, each a token of its own."""
    found = []
    at = token.start
    for piece in text[token.start : token.end].split("-"):
        found.append(_token(text, at, at + len(piece)))
        at += len(piece) + 1
    return found


@functools.lru_cache(maxsize=16)
def _cached_guard(names: frozenset[str]) -> NameGuard:
    return NameGuard(sorted(names))


def guard_for(full_names: Iterable[str]) -> NameGuard:
    """A guard over these names, shared by every caller with the same roster (the last few
    rosters are kept)."""
    return _cached_guard(frozenset(full_names))


class RosterGuard:
    """The guard over a school's pupils by id: which pupils a text names, for sealing the text
    under their keys (`contracts.personal`, "Texts that name a pupil")."""

    __slots__ = ("_guard", "_ids")

    def __init__(self, pupils: Iterable[tuple[str, str]]) -> None:
        """`pupils`: (pupil id, full name) pairs; a pupil may have several names."""
        ids: dict[str, list[str]] = {}
        for pupil, full_name in pupils:
            ids.setdefault(full_name, []).append(pupil)
        self._ids = {name: tuple(sorted(set(found))) for name, found in ids.items()}
        self._guard = guard_for(self._ids)

    def named(self, text: str) -> tuple[Redaction, tuple[str, ...]]:
        """`NameGuard.redact`, and the ids of the pupils the mentions may stand for, sorted
        (pupils with the same name are all named)."""
        redaction, names = self._guard.named(text)
        return redaction, tuple(sorted({p for name in names for p in self._ids[name]}))
