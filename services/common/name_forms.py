"""The forms of Russian words and name parts, as the name guard (`services.common.name_guard`)
compares them: lowercase with «ё» read as «е», the normal forms (lemmas) of a word over every
parse of pymorphy3, and the whole paradigm of a name part under the parse that reads it as a
surname, first name or patronymic.

The analyser is built once per process (`analyzer()`, about 0.1 s) and every word's forms are
cached: a word never seen before costs one parse, about 60 µs. Only Cyrillic words are parsed:
a word in another script has no Russian forms but itself, and pymorphy3 fails on letters that
have no Unicode name (Tangut, for one: a mark's comment may hold anything).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Literal

import pymorphy3

Role = Literal["surname", "first", "patronymic"]
_GRAMMEME: Mapping[Role, str] = {"surname": "Surn", "first": "Name", "patronymic": "Patr"}
_WORD_CACHE = 200_000
_CYRILLIC_WORD = re.compile(r"[а-яёА-ЯЁ]+(?:-[а-яёА-ЯЁ]+)*")


@functools.cache
def analyzer() -> pymorphy3.MorphAnalyzer:
    """The process's Russian morphological analyser (built on first use: about 0.1 s)."""
    return pymorphy3.MorphAnalyzer(lang="ru")


def normalised(word: str) -> str:
    """Lowercase, «ё» read as «е»: how words are compared."""
    return word.lower().replace("ё", "е")


@functools.lru_cache(maxsize=_WORD_CACHE)
def word_forms(word: str) -> frozenset[str]:
    """What a word of a text may stand for: itself and its normal forms over every parse."""
    if not _CYRILLIC_WORD.fullmatch(word):
        return frozenset({word})
    lemmas = {normalised(parse.normal_form) for parse in analyzer().parse(word)}
    return frozenset({word, *lemmas})


@functools.lru_cache(maxsize=_WORD_CACHE)
def part_forms(word: str, role: Role) -> frozenset[str]:
    """Every form a part of a name takes: its lemmas and its paradigm (all cases, both
    numbers) under the parses that read it as that part (all parses if none does)."""
    if not _CYRILLIC_WORD.fullmatch(word):
        return frozenset({word})
    parses = analyzer().parse(word)
    chosen = [p for p in parses if _GRAMMEME[role] in p.tag] or parses
    forms = {word}
    for parse in chosen:
        forms.add(normalised(parse.normal_form))
        forms.update(normalised(form.word) for form in parse.lexeme)
    return frozenset(forms)
