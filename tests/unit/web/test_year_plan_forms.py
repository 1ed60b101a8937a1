"""The administrator's forms of the year's plan read into the journal's bodies (a scheme's
period rows, the calendar sent whole), and the journal's validation errors put back beside the
row and field they concern."""

from __future__ import annotations

import datetime as dt

from services.web.domain.days_off import (
    DayOff,
    calendar_with,
    calendar_without,
    day_off_on,
    days_off_of,
)
from services.web.domain.year_plan_forms import (
    assessment_body,
    calendar_fields,
    grades_of,
    scheme_fields,
    scheme_form,
)

HALVES = {
    "scheme_id": "halves",
    "name": "Полугодия",
    "period_id.0": "h1", "period_name.0": "1 полугодие",
    "starts_on.0": "2026-09-01", "ends_on.0": "2026-12-28",
    "period_id.2": "h2", "period_name.2": "2 полугодие",
    "starts_on.2": "2027-01-12", "ends_on.2": "",
}  # fmt: skip
AUTUMN = DayOff("Осенние каникулы", "vacation", dt.date(2026, 10, 27), dt.date(2026, 11, 4))


def test_a_scheme_form_sends_its_filled_rows_and_the_grades_ticked():
    form = scheme_form(HALVES, ["11", "10", "x", "10"])

    assert form.rows == (0, 2)
    assert form.body == {
        "name": "Полугодия",
        "grades": [10, 11],
        "periods": [
            {"period_id": "h1", "name": "1 полугодие",
             "starts_on": "2026-09-01", "ends_on": "2026-12-28"},
            {"period_id": "h2", "name": "2 полугодие", "starts_on": "2027-01-12", "ends_on": ""},
        ],
    }  # fmt: skip


def test_a_schemes_validation_errors_are_placed_beside_their_row():
    form = scheme_form(HALVES, [])
    errors = [
        {"loc": ["body", "periods", 1, "ends_on"], "type": "date_from_datetime_parsing"},
        {"loc": ["body", "periods", 0, "name"], "type": "string_too_short"},
        {"loc": ["body", "grades"], "type": "too_short", "msg": "List should have 1 item"},
        {"loc": ["path", "scheme_id"], "type": "string_pattern_mismatch"},
    ]

    assert scheme_fields(errors, form.rows) == {
        "ends_on.2": "нужна дата",
        "period_name.0": "слишком коротко",
        "grades": "List should have 1 item",
        "scheme_id": "недопустимые знаки",
    }


def test_an_assessment_form_sends_the_grades_and_the_assessment():
    body = assessment_body({"subject_id": "pe", "assessment": "pass_fail"}, ["10", "11"])
    assert body == {"grades": [10, 11], "assessment": "pass_fail"}
    assert grades_of(["", "1"]) == [1]


def test_a_day_off_is_added_to_the_whole_list_a_single_day_ending_where_it_starts():
    body = calendar_with([AUTUMN], {"name": "День народного единства", "kind": "holiday",
                                    "starts_on": "2026-11-04", "ends_on": ""})  # fmt: skip
    assert body == {
        "days_off": [
            {"name": "Осенние каникулы", "kind": "vacation",
             "starts_on": "2026-10-27", "ends_on": "2026-11-04"},
            {"name": "День народного единства", "kind": "holiday",
             "starts_on": "2026-11-04", "ends_on": "2026-11-04"},
        ]
    }  # fmt: skip


def test_a_day_off_is_removed_by_its_key_and_a_second_removal_sends_nothing():
    assert calendar_without([AUTUMN], AUTUMN.key) == {"days_off": []}
    assert calendar_without([], AUTUMN.key) is None


def test_the_new_day_offs_errors_go_beside_the_form_others_to_the_whole_form():
    errors = [
        {"loc": ["body", "days_off", 1, "starts_on"], "type": "date_from_datetime_parsing"},
        {"loc": ["body", "days_off", 0, "name"], "msg": "что-то не так"},
    ]
    assert calendar_fields(errors, 1) == {"starts_on": "нужна дата", "": "что-то не так"}


def test_the_rosters_days_off_are_listed_by_date_and_a_day_finds_its_own():
    roster = {"days_off": [
        {"name": "Зимние каникулы", "kind": "vacation", "starts_on": "2026-12-29",
         "ends_on": "2027-01-11"},
        AUTUMN.body(),
    ]}  # fmt: skip
    days = days_off_of(roster)

    assert [d.name for d in days] == ["Осенние каникулы", "Зимние каникулы"]
    winter = day_off_on(days, dt.date(2027, 1, 3))
    assert winter is not None
    assert (winter.kind_text, winter.dates_text) == (
        "каникулы",
        "29 декабря 2026 – 11 января 2027",
    )
    assert day_off_on(days, dt.date(2026, 12, 1)) is None
