"""The administrator's pages, their pure part: the school's words, a refusal's fields, the next
free pupil id, grouping pupils, membership and period states, the rollover's exceptions."""

from __future__ import annotations

import datetime as dt

import pytest

from services.web.domain.admin import (
    APPLICATION_STATUS,
    Decision,
    class_sizes,
    day_after,
    decision_of,
    decisions_of,
    field_errors,
    label,
    membership,
    next_pupil_id,
    period_state,
    pupils_by_class,
    rollover_body,
    shown,
)

TODAY = dt.date(2026, 12, 5)


def test_a_value_shows_in_the_schools_words_or_as_itself():
    assert label(APPLICATION_STATUS, "checked") == "паспорт проверен"
    assert label(APPLICATION_STATUS, "archived") == "archived"  # a newer API's value still shows
    assert label(APPLICATION_STATUS, None) == "—"


def test_validation_errors_go_to_the_field_they_concern_in_russian():
    errors = [
        {"type": "int_parsing", "loc": ["body", "uid"], "msg": "Input should be a valid integer"},
        {"type": "string_too_short", "loc": ["body", "applicant_name"], "msg": "too short"},
        {"type": "value_error", "loc": ["body"], "msg": "Value error, dates are reversed"},
        {"type": "literal_error", "loc": ["body", "outcomes", "p1", "outcome"], "msg": "x"},
        {"type": "missing", "loc": ["body", "periods", 0, "name"], "msg": "Field required"},
    ]

    assert field_errors(errors) == {
        "uid": "нужно целое число",
        "applicant_name": "слишком коротко",
        "": "Value error, dates are reversed",
        "outcomes": "выберите значение из списка",
        "periods": "обязательное поле",
    }


def test_two_errors_of_one_field_are_both_shown():
    errors = [
        {"type": "a", "loc": ["body", "x"], "msg": "one"},
        {"loc": ["body", "x"], "msg": "two"},
    ]

    assert field_errors(errors) == {"x": "one; two"}


@pytest.mark.parametrize(
    ("existing", "expected"),
    [
        (["p0001", "p0999", "p0042"], "p1000"),
        (["p0001", "x-7", "new"], "p0002"),
        (["s12", "s3", "p0005", "p0006"], "p0007"),  # the most common numbering wins
        ([], "p0001"),
        (["anna", "boris"], "p0001"),
    ],
)
def test_the_next_pupil_id_follows_the_schools_numbering(existing, expected):
    assert next_pupil_id(existing) == expected


def test_class_sizes_count_the_pupils_in_a_class_today():
    pupils = [{"class_id": "5a"}, {"class_id": "5a"}, {"class_id": "5b"}, {"class_id": None}]

    assert class_sizes(pupils) == {"5a": 2, "5b": 1}


def test_pupils_are_grouped_by_class_in_the_rosters_order_those_in_none_last():
    pupils = [
        {"pupil_id": "p3", "full_name": "Яковлев", "class_id": "5b"},
        {"pupil_id": "p1", "full_name": "Борисов", "class_id": None},
        {"pupil_id": "p2", "full_name": "Абрамова", "class_id": "5b"},
        {"pupil_id": "p4", "full_name": "Ильина", "class_id": "10a"},
        {"pupil_id": "p5", "full_name": "Орлов", "class_id": "9z"},  # not in the roster
    ]

    groups = pupils_by_class(pupils, ["5b", "10a"])

    assert [(k, [p["pupil_id"] for p in group]) for k, group in groups] == [
        ("5b", ["p2", "p3"]),
        ("10a", ["p4"]),
        ("9z", ["p5"]),
        (None, ["p1"]),
    ]


@pytest.mark.parametrize(
    ("since", "last_day", "state"),
    [
        (dt.date(2026, 9, 1), None, "current"),
        (dt.date(2026, 9, 1), TODAY, "current"),  # the last day is still a day in the class
        (dt.date(2026, 9, 1), dt.date(2026, 12, 4), "left"),
        (dt.date(2026, 12, 6), None, "future"),
    ],
)
def test_a_membership_is_current_left_or_future(since, last_day, state):
    assert membership(since, last_day, TODAY) == state


def test_a_transferred_pupil_joins_the_day_after_their_last_day():
    assert day_after("2026-12-31") == "2027-01-01"
    assert day_after("31.12.2026") is None
    assert day_after("") is None


def test_a_period_is_ahead_going_on_or_over():
    assert period_state(dt.date(2026, 11, 5), dt.date(2026, 12, 28), TODAY) == "идёт"
    assert period_state(dt.date(2026, 9, 1), dt.date(2026, 10, 26), TODAY) == "прошёл"
    assert period_state(dt.date(2027, 1, 12), dt.date(2027, 3, 20), TODAY) == "впереди"


def test_a_difference_value_shows_as_readable_text():
    assert shown(None) == "—"
    assert shown("5") == "5"
    assert shown({"value": "5", "comment": "устно"}) == '{"comment": "устно", "value": "5"}'


def test_a_decision_travels_in_the_address_and_back():
    decision = Decision("p0416", "promoted_conditionally", ("math", "russian"))

    assert decision.encoded() == "p0416:promoted_conditionally:math,russian"
    assert decision_of(decision.encoded()) == decision
    assert decision_of("p0415:repeating") == Decision("p0415", "repeating")


@pytest.mark.parametrize("text", ["", "p0415", ":repeating", "p0415:", "a:b:c:d"])
def test_what_is_not_a_decision_is_left_out(text):
    assert decision_of(text) is None
    assert decisions_of([text]) == []


def test_the_last_decision_about_a_pupil_wins():
    decisions = decisions_of(["p1:repeating", "p2:graduated", "p1:promoted_conditionally:math"])

    assert decisions == [
        Decision("p2", "graduated"),
        Decision("p1", "promoted_conditionally", ("math",)),
    ]


def test_the_rollover_body_carries_every_decision():
    body = rollover_body([Decision("p1", "repeating"), Decision("p2", "x", ("art",))], dry_run=True)

    assert body == {
        "outcomes": {
            "p1": {"outcome": "repeating", "debts": []},
            "p2": {"outcome": "x", "debts": ["art"]},
        },
        "dry_run": True,
    }
