"""Weighted averages of marks and the rounding of an average to a mark: the regulation's rule,
shared by the journal (school side) and the diary (portal side) so both show the same number."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal
from fractions import Fraction
from typing import Protocol

ROUNDING_RULES = {
    "half_up": ROUND_HALF_UP,
    "half_even": ROUND_HALF_EVEN,
    "down": ROUND_DOWN,
    "up": ROUND_UP,
}


class Weighable(Protocol):
    """What averaging needs of a mark (a lesson's `MarkState` has it)."""

    @property
    def value(self) -> str: ...
    @property
    def weight(self) -> Decimal: ...
    @property
    def counts(self) -> bool: ...
    @property
    def cancelled(self) -> bool: ...


Numeric = Callable[[str], int | None] | Mapping[str, int | None]


def weighted_average(marks: Iterable[Weighable], numeric: Numeric) -> Decimal | None:
    """Σ(weight·number)/Σweight over the marks that count, are not cancelled and have a number.

    `numeric` maps a mark's value to its number (the scale mapping or a function). The result
    is exact, rounded half up to two places; None when no mark enters the average.
    """
    number_of = numeric.get if isinstance(numeric, Mapping) else numeric
    return _mean((number_of(m.value), m.weight) for m in marks if m.counts and not m.cancelled)


def recorded_average(marks: Iterable[tuple[int | None, Decimal, bool]]) -> Decimal | None:
    """The same average over marks in force given as (number, weight, counts), where the number
    is the one the scale gave the mark when it was recorded or corrected (None: no number): the
    journal's grid, from its rows or from the kernel's state, averages the marks this way."""
    return _mean((number, weight) for number, weight, counts in marks if counts)


def _mean(numbered: Iterable[tuple[int | None, Decimal]]) -> Decimal | None:
    """Σ(weight·number)/Σweight over the pairs with a number; None when there is none."""
    total = Fraction(0)
    weights = Fraction(0)
    for number, weight in numbered:
        if number is not None:
            total += Fraction(weight) * number
            weights += Fraction(weight)
    if weights == 0:
        return None
    return _to_cents(total / weights)


def round_mark(average: Decimal, rule: str = "half_up") -> int:
    """The mark an average rounds to under the school's rule (half up: 4.5 -> 5, 3.49 -> 3)."""
    try:
        rounding = ROUNDING_RULES[rule]
    except KeyError:
        msg = f"unknown rounding rule '{rule}' (known: {', '.join(ROUNDING_RULES)})"
        raise ValueError(msg) from None
    return int(average.quantize(Decimal(1), rounding=rounding))


def _to_cents(value: Fraction) -> Decimal:
    """Round a fraction to two places, half away from zero, without any inexact step."""
    numerator, denominator = abs(value.numerator) * 100, value.denominator
    cents = (2 * numerator + denominator) // (2 * denominator)
    signed = -cents if value < 0 else cents
    return Decimal(signed).scaleb(-2)
