"""The class journal page's pure part: dates, the period column, the grid's rows and cells."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from services.web.domain.grid import average_text, build_table, period_marks_of, short_name
from services.web.domain.periods import (
    Period,
    chosen_range,
    default_range,
    given_range,
    period_for,
    periods_of,
)

ROSTER = {
    "periods": [
        {"period_id": "q1", "name": "1 четверть",
         "starts_on": "2026-09-01", "ends_on": "2026-10-26"},
        {"period_id": "q2", "name": "2 четверть",
         "starts_on": "2026-11-05", "ends_on": "2026-12-28", "closed": False},
    ]
}  # fmt: skip
PERIODS = periods_of(ROSTER)
SEPT_1 = dt.date(2026, 9, 1)


def test_the_default_range_is_the_current_period():
    assert default_range(PERIODS, dt.date(2026, 12, 5), SEPT_1) == (
        dt.date(2026, 11, 5),
        dt.date(2026, 12, 28),
    )


def test_between_periods_the_default_is_from_september_to_today():
    today = dt.date(2026, 10, 30)  # autumn holidays
    assert default_range(PERIODS, today, SEPT_1) == (SEPT_1, today)


def test_dates_asked_for_win_each_on_its_own_and_reversed_ones_are_put_in_order():
    default = (SEPT_1, dt.date(2026, 9, 30))
    assert chosen_range("2026-09-10", None, default) == (dt.date(2026, 9, 10), dt.date(2026, 9, 30))
    assert chosen_range("2026-09-20", "2026-09-05", default) == (
        dt.date(2026, 9, 5),
        dt.date(2026, 9, 20),
    )
    assert chosen_range("garbage", "", default) == default


def test_a_range_is_given_only_when_both_dates_are():
    assert given_range("2026-09-01", "2026-10-26") == (SEPT_1, dt.date(2026, 10, 26))
    assert given_range("2026-10-26", "2026-09-01") == (SEPT_1, dt.date(2026, 10, 26))
    assert given_range("2026-09-01", None) is None
    assert given_range("2026-09-01", "26.10.2026") is None


def test_the_period_column_is_the_period_the_range_shows_most_of():
    assert period_for(PERIODS, SEPT_1, dt.date(2026, 10, 26)).period_id == "q1"
    assert period_for(PERIODS, dt.date(2026, 10, 20), dt.date(2026, 12, 1)).period_id == "q2"
    assert period_for(PERIODS, dt.date(2026, 10, 27), dt.date(2026, 11, 4)) is None


@given(st.dates(dt.date(2026, 8, 1), dt.date(2027, 1, 31)), st.integers(0, 120))
def test_the_period_chosen_overlaps_the_range_at_least_as_much_as_any_other(start, length):
    end = start + dt.timedelta(days=length)
    chosen = period_for(PERIODS, start, end)

    def overlap(p: Period) -> int:
        return max(0, (min(end, p.ends_on) - max(start, p.starts_on)).days + 1)

    best = max(overlap(p) for p in PERIODS)
    assert (chosen is None) == (best == 0)
    if chosen is not None:
        assert overlap(chosen) == best


def test_averages_are_written_the_schools_way():
    assert average_text("3.75") == "3,75"
    assert average_text("4") == "4,00"
    assert average_text(None) == "—"


def test_names_are_shortened_as_a_paper_journal_writes_them():
    assert short_name("Акимова Вероника Антоновна") == "Акимова В. А."
    assert short_name("Акимова") == "Акимова"
    assert short_name("") == ""


GRID = {
    "date_from": "2026-09-01",
    "date_to": "2026-10-26",
    "lessons": [
        {"lesson_id": "l1", "date": "2026-09-30", "slot": 2, "status": "held", "topic": "Дроби",
         "teacher_id": "t", "corrected_after_close": False},
        {"lesson_id": "l2", "date": "2026-10-01", "slot": 3, "status": "cancelled", "topic": None,
         "teacher_id": "t", "corrected_after_close": True},
    ],
    "rows": [
        {"pupil_id": "p1", "full_name": "Иванов Иван Иванович", "since": "2026-09-01",
         "last_day": None, "average": "4.5", "absences": 1, "lates": 0,
         "cells": [
             {"lesson_id": "l1", "marks": [
                 {"mark_id": "m1", "value": "5", "work_kind_id": "test", "weight": "2",
                  "corrected": False},
                 {"mark_id": "m2", "value": "4", "work_kind_id": "oral", "weight": "1",
                  "corrected": False, "corrected_after_close": True}],
              "absence": None},
             {"lesson_id": "l2", "marks": [], "absence": "Н", "corrected_after_close": True}]},
        {"pupil_id": "p2", "full_name": None, "since": "2026-09-29", "last_day": "2026-10-10",
         "average": None, "absences": 0, "lates": 2,
         "cells": [{"lesson_id": "l1", "marks": [], "absence": "ОП"},
                   {"lesson_id": "l2", "marks": [], "absence": None}]},
    ],
}  # fmt: skip
SHEET = {
    "pupils": [
        {"pupil_id": "p1", "average": "4.5", "suggested": "5", "set": {"value": "5"}},
        {"pupil_id": "p2", "average": None, "suggested": None, "set": None},
    ]
}


def test_the_grid_becomes_columns_rows_and_cells_with_the_apis_average():
    table = build_table(GRID, {"test": "Контрольная работа"}, period_marks_of(SHEET))
    assert [(c.day, c.label, c.cancelled, c.flagged) for c in table.columns] == [
        ("30", "30.09", False, False),
        ("01", "01.10", True, True),
    ]
    assert table.columns[0].title == "30.09, 2-й урок: Дроби"
    assert table.months == (("сентябрь", 1), ("октябрь", 1))
    first, second = table.rows
    assert (first.name, first.full_name, first.average) == (
        "Иванов И. И.",
        "Иванов Иван Иванович",
        "4,50",
    )
    assert first.cells[0].marks == (
        ("5", "Контрольная работа"),
        ("4", "oral (исправлено после закрытия)"),
    )
    assert (first.cells[1].absence, first.cells[1].flagged) == ("Н", True)
    assert (first.period_mark, first.period_title) == ("5", "средний балл 4,50, рекомендуется 5")
    assert (second.name, second.average, second.lates, second.period_mark) == ("p2", "—", 2, "—")
    assert second.note == "выбыл(а) 10.10"
    assert second.cells[0].absence == "ОП"


def test_a_pupil_without_a_period_mark_line_shows_a_dash():
    table = build_table(GRID, {}, {})
    assert {r.period_mark for r in table.rows} == {"—"}


def test_a_pupil_who_joined_within_the_range_says_since_when():
    grid = {**GRID, "rows": [{**GRID["rows"][1], "last_day": None}]}
    assert build_table(grid, {}, {}).rows[0].note == "с 29.09"
