"""How the pages word the year's plan: a pass/fail mark, an assessment, a day off."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from services.portal.domain.marks import mark_note
from services.portal.domain.plan_notes import (
    ASSESSMENT_NOTES,
    assessment_of,
    days_off_by_date,
    mark_text,
    shows_average,
    shows_marks,
)


def test_a_pass_fail_mark_reads_as_passed_with_or_without_the_diarys_label():
    assert mark_text({"value": "зач", "label": "зачтено"}) == "зачтено"
    assert mark_text({"value": "незач"}) == "не зачтено"  # an older diary sends no label
    assert mark_note({"value": "зач", "work_kind_name": "Зачёт"}).value == "зачтено"


@given(st.sampled_from(("2", "3", "4", "5", "н/а", "осв")))
def test_a_mark_on_the_scale_reads_as_itself(value):
    assert mark_text({"value": value}) == value


def test_only_a_subject_on_the_scale_has_an_average_and_only_an_unmarked_one_no_marks():
    assert [shows_average(a) for a in ("scale", "pass_fail", "unmarked")] == [True, False, False]
    assert [shows_marks(a) for a in ("scale", "pass_fail", "unmarked")] == [True, True, False]
    assert assessment_of({}) == "scale"  # an older diary's answer
    assert assessment_of({"assessment": "something else"}) == "scale"
    assert "scale" not in ASSESSMENT_NOTES


def test_days_off_read_by_their_kind_and_name():
    found = days_off_by_date(
        [
            {"date": "2026-11-04", "name": "День народного единства", "kind": "holiday"},
            {"date": "2026-11-02", "name": "Осенние каникулы", "kind": "vacation"},
        ]
    )
    assert found[dt.date(2026, 11, 4)].text == "Праздничный день: День народного единства"
    assert found[dt.date(2026, 11, 2)].text == "Каникулы: Осенние каникулы"
    assert days_off_by_date(None) == {}
