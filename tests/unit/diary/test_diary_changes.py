"""«Что нового» shaped from stored changes: ids, who sees a change, the page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.diary.domain.access import Visibility
from services.diary.domain.calendar import MemberRow
from services.diary.domain.changes import (
    PER_BATCH,
    ChangePage,
    ChangeQuery,
    ChangeRow,
    batch_of,
    change_id,
    pupil_changes,
    visible,
)
from services.diary.domain.rows import SchoolConfig

ANNA, BORIS = "p" + "a" * 32, "p" + "b" * 32
CUT = dt.datetime(2026, 9, 7, 18, 0, tzinfo=dt.UTC)
MONDAY = dt.date(2026, 9, 7)
MOVED = dt.date(2026, 9, 15)
# Anna was in 5a until 15 September, in 5b from the 16th.
ANNAS = (MemberRow("5a", ANNA, dt.date(2026, 9, 1), MOVED), MemberRow("5b", ANNA, MOVED, None))
EVERYTHING = Visibility(everything=True)
CONFIG = SchoolConfig(
    subjects={"math": "Математика", "rus": "Русский язык"},
    work_kinds={"test": "Контрольная работа"},
)


def row(
    change: int,
    *,
    kind="mark_added",
    pupil: str | None = ANNA,
    class_id="5a",
    subject_id="math",
    date: dt.date | None = MONDAY,
    work_kind_id: str | None = "test",
) -> ChangeRow:
    return ChangeRow(
        change_id=change,
        kind=kind,
        recorded_at=CUT,
        pupil=pupil,
        class_id=class_id,
        subject_id=subject_id,
        lesson_id=None if date is None else "l1",
        date=date,
        period_id="q1" if date is None else None,
        old=None,
        new="5",
        work_kind_id=work_kind_id,
        weight=Decimal(2) if work_kind_id else None,
        due_on=None,
    )


positions = st.tuples(st.integers(1, 2**33), st.integers(0, PER_BATCH - 1))


@given(st.lists(positions, min_size=2, max_size=20, unique=True))
def test_change_ids_follow_the_stream_then_the_position_in_the_batch(places):
    ordered = sorted(places)
    ids = [change_id(seq, position) for seq, position in ordered]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)  # strictly increasing
    assert [batch_of(i) for i in ids] == [seq for seq, _ in ordered]


@pytest.mark.parametrize(("seq", "position"), [(0, 0), (5, -1), (5, PER_BATCH)])
def test_a_change_id_outside_its_batch_is_refused(seq, position):
    with pytest.raises(ValueError, match=r"stream sequence|room for"):
        change_id(seq, position)


def test_a_pupils_own_changes_and_the_class_homework_only_while_a_member():
    after_move = dt.date(2026, 9, 21)
    assert visible(row(1), ANNA, ANNAS, EVERYTHING)
    assert not visible(row(1, pupil=BORIS), ANNA, ANNAS, EVERYTHING)
    assert visible(row(2, kind="homework_set", pupil=None), ANNA, ANNAS, EVERYTHING)
    homework_5a_later = row(3, kind="homework_set", pupil=None, date=after_move)
    assert not visible(homework_5a_later, ANNA, ANNAS, EVERYTHING)
    homework_5b = row(4, kind="homework_set", pupil=None, class_id="5b", date=after_move)
    assert visible(homework_5b, ANNA, ANNAS, EVERYTHING)
    assert not visible(
        row(5, kind="homework_set", pupil=None, class_id="6a"), ANNA, ANNAS, EVERYTHING
    )
    # a period mark has no date: the membership of a day does not apply
    period = row(6, kind="period_mark_set", date=None, work_kind_id=None)
    assert visible(period, ANNA, (), EVERYTHING)


def test_a_teacher_sees_the_subjects_of_their_grants_only():
    maths = Visibility(class_subjects=frozenset({("5a", "math")}))
    class_teacher = Visibility(whole_classes=frozenset({"5a"}))
    russian = row(1, subject_id="rus")
    assert visible(row(2), ANNA, ANNAS, maths)
    assert not visible(russian, ANNA, ANNAS, maths)
    assert visible(russian, ANNA, ANNAS, class_teacher)


def test_the_page_is_newest_first_with_names_and_latest_at_least_its_newest():
    query = ChangeQuery(ANNA, ANNAS, Visibility(class_subjects=frozenset({("5a", "math")})))
    rows = (
        row(PER_BATCH * 3),
        row(PER_BATCH * 7 + 1, subject_id="rus"),  # not visible to this teacher
        row(PER_BATCH * 7, kind="period_mark_set", date=None, work_kind_id=None),
        row(PER_BATCH * 5, subject_id="math", work_kind_id="unknown"),
    )

    page = pupil_changes(query, ChangePage(0, rows), CONFIG)

    assert [c.change_id for c in page.changes] == [PER_BATCH * 7, PER_BATCH * 5, PER_BATCH * 3]
    assert page.latest == PER_BATCH * 7
    assert page.pupil == ANNA
    newest, unknown_kind, oldest = page.changes
    assert (newest.kind, newest.period_id, newest.work_kind_name) == ("period_mark_set", "q1", None)
    assert unknown_kind.work_kind_name is None
    assert (oldest.subject_name, oldest.work_kind_name, oldest.weight) == (
        "Математика",
        "Контрольная работа",
        Decimal(2),
    )
    assert pupil_changes(query, ChangePage(PER_BATCH * 9, ()), CONFIG).latest == PER_BATCH * 9
    assert pupil_changes(query, ChangePage(0, ()), CONFIG).latest == 0


@given(st.lists(st.integers(1, 10**12), unique=True, max_size=30), st.sampled_from(["5a", "5b"]))
def test_whatever_the_rows_a_page_holds_only_visible_changes_in_strictly_decreasing_order(
    ids, class_id
):
    query = ChangeQuery(ANNA, ANNAS, Visibility(whole_classes=frozenset({"5a"})))
    rows = tuple(row(i, class_id=class_id, pupil=ANNA if i % 2 else BORIS) for i in ids)

    page = pupil_changes(query, ChangePage(0, rows), CONFIG)

    shown = [c.change_id for c in page.changes]
    assert shown == sorted(shown, reverse=True)
    assert len(set(shown)) == len(shown)
    expected = {i for i in ids if i % 2 and class_id == "5a"}
    assert set(shown) == expected
    assert page.latest == max(expected, default=0)
