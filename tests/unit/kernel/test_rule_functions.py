"""The kernel's rule functions on plain values, which the kernel's fold (and so every reader of
the journal) and the lesson aggregate decide through."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from contracts.journal import AbsenceEntry, MarkEntry
from kernel.attendance import Observation, observe
from kernel.classes import interval_left, join_opens_interval
from kernel.lessons import attachment_is_new
from kernel.marks import first_recordings

SEPT_1, SEPT_30, OCT_1 = dt.date(2026, 9, 1), dt.date(2026, 9, 30), dt.date(2026, 10, 1)


def entry(mark_id: str, value: str) -> MarkEntry:
    return MarkEntry(
        mark_id=mark_id, pupil_id="p1", value=value, work_kind_id="oral", weight=Decimal(1)
    )


def test_first_recordings_skip_known_ids_and_ids_listed_earlier():
    entries = [entry("m1", "5"), entry("m2", "4"), entry("m2", "2"), entry("m3", "3")]

    fresh = first_recordings(entries, {"m1"})

    assert [(e.mark_id, e.value) for e in fresh] == [("m2", "4"), ("m3", "3")]


def test_an_attachment_is_new_unless_its_id_is_listed():
    assert attachment_is_new("a1", [])
    assert attachment_is_new("a2", ["a1"])
    assert not attachment_is_new("a1", ["a2", "a1"])


def test_a_join_opens_an_interval_unless_one_starts_that_day():
    assert join_opens_interval([], SEPT_1)
    assert join_opens_interval([SEPT_1], OCT_1)
    assert not join_opens_interval([SEPT_1, OCT_1], OCT_1)


def test_a_leave_closes_the_latest_interval_begun_by_the_last_day():
    assert interval_left([SEPT_1, OCT_1], dt.date(2026, 10, 31)) == OCT_1
    assert interval_left([SEPT_1, OCT_1], SEPT_30) == SEPT_1
    assert interval_left([OCT_1], SEPT_30) is None
    assert interval_left([], SEPT_30) is None


def test_an_observation_keeps_a_known_reason_and_counts_minutes_only_when_late():
    late = AbsenceEntry(pupil_id="p1", kind="late", minutes_late=10)
    absent = AbsenceEntry(pupil_id="p1", kind="absent", minutes_late=10)

    assert observe(late, None) == Observation("late", 10, "unknown", "ОП")
    assert observe(absent, "illness") == Observation("absent", None, "illness", "Б")
