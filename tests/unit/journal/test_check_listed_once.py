"""A check's findings are listed once each, flagged at opening and now, however the two lists
overlap."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from contracts.journal import Finding
from services.journal.application.check_reads import listed_once


def finding(n: int, detail: str = "") -> Finding:
    return Finding(
        finding_id=f"no_topic:5a-{n}",
        kind="no_topic",
        class_id="5a",
        teacher_id="t1",
        date=dt.date(2026, 9, 1) + dt.timedelta(days=n),
        lesson_id=f"5a-{n}",
        detail=detail,
    )


def test_a_finding_holding_at_opening_and_now_is_listed_once_as_it_stands_now():
    listed = listed_once([finding(1, "тогда"), finding(2)], [finding(1, "сейчас"), finding(3)])

    assert [(f.finding_id, f.at_opening, f.now, f.detail) for f in listed] == [
        ("no_topic:5a-1", True, True, "сейчас"),
        ("no_topic:5a-2", True, False, ""),
        ("no_topic:5a-3", False, True, ""),
    ]


ids = st.lists(st.integers(0, 30), unique=True, max_size=20)


@given(ids, ids)
def test_every_finding_once_with_the_flags_of_the_two_lists(opening: list[int], now: list[int]):
    listed = listed_once([finding(n) for n in opening], [finding(n) for n in now])

    keys = [f.finding_id for f in listed]
    assert len(keys) == len(set(keys)) == len(set(opening) | set(now))
    assert {f.finding_id for f in listed if f.at_opening} == {
        finding(n).finding_id for n in opening
    }
    assert {f.finding_id for f in listed if f.now} == {finding(n).finding_id for n in now}
