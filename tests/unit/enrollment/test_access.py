"""Who could see a pupil's marks: overlaps of class stays, duties and UID holdings."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from services.enrollment.domain.access import (
    ClassStay,
    Duty,
    Span,
    UidHolding,
    on_day,
    staff_access,
)

D = {d: dt.date(2026, 9, d) for d in range(1, 31)}


def test_a_teacher_sees_the_pupil_while_all_three_overlap():
    stays = [ClassStay(2026, "5a", Span(D[1], D[20]))]
    duties = [Duty(2026, "5a", "t-math", "math", Span(D[5], None))]
    holdings = [UidHolding("t-math", 5001, Span(D[10], D[25]))]
    (access,) = staff_access(stays, duties, holdings)
    assert access.span == Span(D[10], D[20])
    assert (access.via, access.subject_id, access.uid) == ("teacher", "math", 5001)


def test_a_class_teacher_sees_every_subject():
    stays = [ClassStay(2026, "5a", Span(D[1]))]
    duties = [Duty(2026, "5a", "t-rus", None, Span(D[1]))]
    holdings = [UidHolding("t-rus", 6001, Span(D[3]))]
    (access,) = staff_access(stays, duties, holdings)
    assert (access.via, access.subject_id, access.span) == ("class-teacher", None, Span(D[3]))


def test_no_access_without_a_uid_or_outside_the_class():
    stays = [ClassStay(2026, "5a", Span(D[1], D[10]))]
    duties = [
        Duty(2026, "5a", "t-math", "math", Span(D[11])),  # began after the pupil left
        Duty(2026, "5b", "t-rus", "russian", Span(D[1])),  # another class
        Duty(2026, "5a", "t-bio", "biology", Span(D[1])),  # no UID
    ]
    holdings = [UidHolding("t-math", 1, Span(D[1])), UidHolding("t-rus", 2, Span(D[1]))]
    assert staff_access(stays, duties, holdings) == []


def test_on_day_keeps_what_covered_the_day():
    stays = [ClassStay(2026, "5a", Span(D[1]))]
    duties = [Duty(2026, "5a", "t-math", "math", Span(D[1], D[9]))]
    holdings = [UidHolding("t-math", 5001, Span(D[1]))]
    found = staff_access(stays, duties, holdings)
    assert on_day(found, D[9]) == found
    assert on_day(found, D[10]) == []
    assert on_day(found, None) == found


days = st.integers(1, 30).map(lambda d: D[d])
spans = st.tuples(days, st.none() | days).map(
    lambda p: Span(p[0], p[1] if p[1] is None or p[1] >= p[0] else p[0])
)
classes = st.sampled_from(["5a", "5b"])
staff_ids = st.sampled_from(["t1", "t2", "t3"])
stays_st = st.lists(st.builds(ClassStay, st.just(2026), classes, spans), max_size=3)
duties_st = st.lists(
    st.builds(Duty, st.just(2026), classes, staff_ids, st.none() | st.just("math"), spans),
    max_size=5,
)
holdings_st = st.lists(st.builds(UidHolding, staff_ids, st.integers(1, 5), spans), max_size=5)


@given(stays_st, duties_st, holdings_st, days)
def test_access_on_a_day_is_exactly_a_stay_a_duty_and_a_uid_covering_it(
    stays, duties, holdings, day
):
    found = {
        (a.staff_id, a.uid, a.class_id, a.subject_id)
        for a in on_day(staff_access(stays, duties, holdings), day)
    }
    expected = {
        (h.staff_id, h.uid, s.class_id, d.subject_id)
        for s in stays
        for d in duties
        for h in holdings
        if d.class_id == s.class_id
        and d.staff_id == h.staff_id
        and s.span.covers(day)
        and d.span.covers(day)
        and h.span.covers(day)
    }
    assert found == expected


@given(stays_st, duties_st, holdings_st)
def test_every_access_lies_inside_its_stay_duty_and_uid(stays, duties, holdings):
    for access in staff_access(stays, duties, holdings):
        assert access.span.end is None or access.span.start <= access.span.end
        assert any(
            s.class_id == access.class_id and s.span.covers(access.span.start) for s in stays
        )
        assert any(h.uid == access.uid and h.span.covers(access.span.start) for h in holdings)
