"""Period marks and corrections after close in the pupil's views: the subject view shows the
period mark of the period and every period mark of the year, as far as the caller may see; the
day and subject views show lessons and marks corrected after close as flagged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from decimal import Decimal

import pytest

from services.diary.application import views as app
from services.diary.domain.access import Caller, Denied, Grant
from services.diary.domain.assembly import pupil_lessons, pupil_marks
from services.diary.domain.calendar import MemberRow, PeriodRow
from services.diary.domain.period_marks import PeriodMarkRow, pupil_period_marks
from services.diary.domain.rows import LessonRow, LessonSet, MarkRow, SchoolConfig
from tests.support.diary import pseudonym

S, Y = "s1", 2026
ANNA = pseudonym("anna")
PERIODS = (
    PeriodRow("q1", "1 четверть", dt.date(2026, 9, 1), dt.date(2026, 10, 25)),
    PeriodRow("q2", "2 четверть", dt.date(2026, 11, 5), dt.date(2026, 12, 28)),
)
CONFIG = SchoolConfig(
    starts_on=dt.date(2026, 9, 1),
    ends_on=dt.date(2027, 5, 31),
    periods=PERIODS,
    scale={str(n): n for n in range(1, 6)},
    work_kinds={"answer": "Ответ"},
    subjects={"math": "Математика"},
)


def row(period: str, value: str = "5", *, class_id: str = "5a", flagged: bool = False):
    return PeriodMarkRow(class_id, "math", period, ANNA, value, Decimal("4.25"), flagged)


def test_the_selected_periods_mark_and_all_of_them_terms_first_then_the_year():
    rows = [row("year", "4"), row("q2", "3", flagged=True), row("q1")]
    current, listed = pupil_period_marks(rows, PERIODS, "q2")
    assert [m.period_id for m in listed] == ["q1", "q2", "year"]
    assert current is not None
    assert (current.value, current.average, current.corrected_after_close) == ("3", "4.25", True)
    whole_year, _ = pupil_period_marks(rows, PERIODS, None)
    assert whole_year is not None
    assert whole_year.period_id == "year"
    nothing, none_listed = pupil_period_marks([], PERIODS, "q1")
    assert (nothing, none_listed) == (None, ())


def test_lessons_and_marks_corrected_after_close_are_flagged_in_the_pupils_views():
    lesson = LessonRow(
        "l1", "5a", "math", dt.date(2026, 9, 7), 1, None, "t", "held", None, None, None, True
    )
    plain = LessonRow(
        "l2", "5a", "math", dt.date(2026, 9, 8), 1, None, "t", "held", None, None, None
    )
    marks = (
        MarkRow("l1", "m1", ANNA, "5", "answer", Decimal(1), None, True, False, True),
        MarkRow("l2", "m2", ANNA, "4", "answer", Decimal(1), None, True, False),
    )
    found = LessonSet(lessons=(lesson, plain), marks=marks)
    shown = pupil_lessons(ANNA, found, CONFIG, lambda a: a)
    assert [(x.lesson_id, x.corrected_after_close) for x in shown] == [("l1", True), ("l2", False)]
    assert [m.corrected_after_close for x in shown for m in x.marks] == [True, False]
    dated, _ = pupil_marks(ANNA, found, CONFIG)
    assert [d.mark.corrected_after_close for d in dated] == [True, False]


class FakeReads:
    """The diary's reads for one pupil, in classes 5a (until October) and 6b (after)."""

    def __init__(self, grants: list[Grant]) -> None:
        self.grants = grants
        self.rows = [row("q1", "4", class_id="5a"), row("q2", "5", class_id="6b")]

    async def grants_of(self, school: str, year: int, uid: int) -> list[Grant]:
        return [g for g in self.grants if g.uid == uid]

    async def school_config(self, school: str, year: int) -> SchoolConfig:
        return CONFIG

    async def memberships(self, school: str, year: int, pupils: Collection[str]):
        return [
            MemberRow("5a", ANNA, dt.date(2026, 9, 1), dt.date(2026, 10, 31)),
            MemberRow("6b", ANNA, dt.date(2026, 11, 1), None),
        ]

    async def members(self, school: str, year: int, class_id: str):
        raise NotImplementedError

    async def lessons(self, school, year, class_ids, days, subject_id=None) -> LessonSet:
        return LessonSet()

    async def period_marks(self, school: str, year: int, pupil: str, subject_id: str):
        return [r for r in self.rows if r.pupil == pupil and r.subject_id == subject_id]

    async def files_by_attachment(self, school, year, attachment_id):
        raise NotImplementedError


def scope(role: str, uid: int) -> app.Scope:
    return app.Scope(S, Y, Caller(frozenset({role}), S, uid))


async def test_a_parent_sees_the_period_mark_of_the_period_and_every_one_of_the_year():
    reads = FakeReads([Grant("g1", 7, "pupil", pupil=ANNA, relation="parent")])
    view = await app.pupil_subject(
        reads, scope("parent", 7), ANNA, "math", "q1", dt.date(2026, 9, 10)
    )
    assert view.period_mark is not None
    assert (view.period_mark.period_id, view.period_mark.value) == ("q1", "4")
    assert [(m.period_id, m.value) for m in view.period_marks] == [("q1", "4"), ("q2", "5")]
    year = await app.pupil_subject(
        reads, scope("parent", 7), ANNA, "math", "year", dt.date(2026, 9, 10)
    )
    assert (year.period_id, year.period_mark) == ("year", None)
    assert (year.starts_on, year.ends_on) == (CONFIG.starts_on, CONFIG.ends_on)


async def test_a_teacher_uid_sees_the_period_marks_of_their_class_only():
    reads = FakeReads([Grant("g2", 9, "class", class_id="6b", subject_id="math")])
    view = await app.pupil_subject(
        reads, scope("teacher", 9), ANNA, "math", "q1", dt.date(2026, 9, 10)
    )
    assert view.period_mark is None  # q1 was set in 5a, which this teacher does not teach
    assert [(m.period_id, m.value) for m in view.period_marks] == [("q2", "5")]
    other = FakeReads([Grant("g3", 9, "class", class_id="6b", subject_id="rus")])
    with pytest.raises(Denied):
        await app.pupil_subject(
            other, scope("teacher", 9), ANNA, "math", None, dt.date(2026, 9, 10)
        )
