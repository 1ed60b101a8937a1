"""Marks on the five-point scale: the usual spread, weaker and stronger pupils, the kinds of
work teachers use, and the odd correction."""

from __future__ import annotations

import math
import random
from statistics import NormalDist

from kernel.year_plan import FAILED, PASSED

# How often each mark is given across the school: 5: 30%, 4: 40%, 3: 22%, 2: 7%, 1: 1%.
SPREAD = (("1", 0.01), ("2", 0.07), ("3", 0.22), ("4", 0.40), ("5", 0.30))
ABILITY_SHARE = 0.75  # how much of a mark is the pupil rather than the day
_CUTS = tuple(
    NormalDist().inv_cdf(sum(share for _, share in SPREAD[: i + 1])) for i in range(len(SPREAD) - 1)
)
_KINDS = (("classwork", 0.45), ("oral", 0.35), ("homework", 0.15))
_SPECIAL_KIND = {"russian": "dictation", "physics": "practical", "chemistry": "practical"}
CORRECTION_REASONS = (
    "ошибка при выставлении отметки",
    "отметка выставлена не тому ученику",
    "работа переписана",
)
CANCEL_REASONS = ("отметка выставлена ошибочно", "работа проверена повторно")


def mark_value(rng: random.Random, ability: float) -> str:
    """A mark for a pupil of that ability (abilities spread as a standard normal)."""
    latent = ABILITY_SHARE * ability + math.sqrt(1 - ABILITY_SHARE**2) * rng.gauss(0.0, 1.0)
    for (value, _), cut in zip(SPREAD, _CUTS, strict=False):
        if latent < cut:
            return value
    return SPREAD[-1][0]


def pass_or_fail(number: str) -> str:
    """A pass/fail subject's mark for the work that would have got `number`: «незач» for 1–2."""
    return FAILED if int(number) <= 2 else PASSED


def other_pass_fail(value: str) -> str:
    """The other value of a pass/fail mark (what correcting it changes it to)."""
    return PASSED if value == FAILED else FAILED


def work_kind(rng: random.Random, subject_id: str) -> str:
    """The kind of work of an ordinary mark: mostly classwork or an oral answer."""
    roll = rng.random()
    for kind, share in _KINDS:
        if roll < share:
            return kind
        roll -= share
    return _SPECIAL_KIND.get(subject_id, "classwork")


def corrected(rng: random.Random, value: str) -> tuple[str, str]:
    """A corrected value (next to the old one) and the reason for the correction."""
    number = int(value)
    if number <= 3 and rng.random() < 0.5:
        return str(number + 1), CORRECTION_REASONS[2]
    step = rng.choice((-1, 1)) if 1 < number < 5 else (1 if number == 1 else -1)
    return str(number + step), rng.choice(CORRECTION_REASONS[:2])
