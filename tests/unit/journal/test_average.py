"""Weighted averages of marks and the school's rounding."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kernel.grading import round_mark, weighted_average
from services.journal.domain.lesson import MarkState

SCALE = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "н/а": None, "осв": None}


def mark(value, weight="1", *, counts=True, cancelled=False):
    return MarkState("p01", value, "classwork", Decimal(weight), counts=counts, cancelled=cancelled)


def test_no_marks_give_no_average():
    assert weighted_average([], SCALE) is None


def test_marks_without_a_number_give_no_average():
    assert weighted_average([mark("н/а"), mark("осв")], SCALE) is None


def test_the_average_weighs_each_mark_by_its_kind_of_work():
    assert weighted_average([mark("5"), mark("3", "2")], SCALE) == Decimal("3.67")


def test_the_average_is_rounded_half_up_to_two_places():
    assert weighted_average([mark("4", "7"), mark("5")], SCALE) == Decimal("4.13")  # 4.125


def test_cancelled_non_counting_and_non_numeric_marks_stay_out():
    marks = [
        mark("5"),
        mark("2", cancelled=True),
        mark("2", counts=False),
        mark("н/а", "3"),
        mark("4"),
    ]
    assert weighted_average(marks, SCALE) == Decimal("4.50")


def test_the_scale_may_be_given_as_a_function():
    assert weighted_average([mark("5"), mark("зач")], lambda v: 5 if v == "5" else None) == 5


@pytest.mark.parametrize(
    ("average", "expected"),
    [("4.50", 5), ("4.49", 4), ("3.49", 3), ("2.50", 3), ("5.00", 5), ("1.00", 1)],
)
def test_school_rounding_takes_a_half_up(average, expected):
    assert round_mark(Decimal(average)) == expected


def test_other_rounding_rules_can_be_chosen():
    assert round_mark(Decimal("2.50"), "half_even") == 2
    assert round_mark(Decimal("4.99"), "down") == 4
    assert round_mark(Decimal("3.01"), "up") == 4


def test_an_unknown_rounding_rule_is_refused():
    with pytest.raises(ValueError, match="unknown rounding rule 'banker'"):
        round_mark(Decimal("4.5"), "banker")
