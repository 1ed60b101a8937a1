"""Period marks and corrections of closed periods in the journal view, on a real PostgreSQL:
the projection's writes (idempotent, whatever the batches) and the queries and flags."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from contracts import subjects
from contracts.journal import (
    AbsenceEntry,
    AttendanceTaken,
    ClassOpened,
    MarkCorrected,
    MarkRecorded,
    MarkScaleConfigured,
    Period,
    PeriodClosed,
    PeriodMarkInput,
    PeriodMarkSet,
    PupilJoinedClass,
    PupilRegistered,
    SchoolYearOpened,
    SubjectDefined,
    TeachingAssigned,
    TopicSet,
)
from services.common.projector import Projected
from services.journal.adapters.journal_view import PgJournalViews
from services.journal.application.read_models import ViewNotFound
from services.journal.domain.school import DEFAULT_SCALE
from tests.support.journal_view import (
    SCHOOL,
    YEAR,
    assert_redelivery_changes_nothing,
    assert_splits_build_the_same_rows,
    numbered,
    on,
    oral_mark,
    scheduled,
)

pytestmark = pytest.mark.integration

S, Y = SCHOOL, YEAR
Q1 = (dt.date(2026, 9, 1), dt.date(2026, 10, 31))
CLS = subjects.school_class(Y, S, "c1")
MARKS = subjects.period_marks(Y, S, "c1", "math")
REASON = "исправление после закрытия"
TABLES = ("period_marks", "lesson_corrections", "marks")


def period_mark(value: str, reason: str | None = None) -> PeriodMarkSet:
    inputs = (
        PeriodMarkInput(
            mark_id="m1", lesson_id="l1", date=dt.date(2026, 9, 7), value="4", weight=Decimal(1)
        ),
    )
    return PeriodMarkSet(
        pupil_id="p1",
        subject_id="math",
        period_id="q1",
        value=value,
        average=Decimal("4.00"),
        suggested="4",
        inputs=inputs,
        rules_version=0,
        correction_reason=reason,
    )


def history() -> list[Projected]:
    config = subjects.school_config(Y, S)
    opened = SchoolYearOpened(
        school_name="School",
        starts_on=Q1[0],
        ends_on=dt.date(2027, 5, 31),
        periods=(Period(period_id="q1", name="I", starts_on=Q1[0], ends_on=Q1[1]),),
    )
    items = [
        (config, opened, "admin"),
        (config, MarkScaleConfigured(scale_id="five", values=DEFAULT_SCALE), "admin"),
        (config, SubjectDefined(subject_id="math", name="Mathematics"), "admin"),
        (
            subjects.pupil(Y, S, "p1"),
            PupilRegistered(pupil_id="p1", full_name="Ivanov", birth_date=dt.date(2015, 1, 1)),
            "admin",
        ),
        (CLS, ClassOpened(class_id="c1", grade=5, label="5A", class_teacher_id="ct"), "admin"),
        (CLS, TeachingAssigned(teacher_id="t1", subject_id="math"), "admin"),
        (CLS, PupilJoinedClass(pupil_id="p1", since=Q1[0]), "admin"),
        (CLS, PupilJoinedClass(pupil_id="p2", since=Q1[0]), "admin"),
        scheduled("l1", dt.date(2026, 9, 7)),
        scheduled("l2", dt.date(2026, 9, 9)),
        on("l1", MarkRecorded(mark=oral_mark("m1", "p1", "4"))),
        on("l1", MarkRecorded(mark=oral_mark("m9", "p2", "2"))),
        (MARKS, period_mark("5"), "t1"),
        (config, PeriodClosed(period_id="q1"), "admin"),
        on("l1", TopicSet(topic="Дроби", correction_reason=REASON), "dep1"),
        on(
            "l1",
            MarkCorrected(
                mark_id="m9",
                value="3",
                work_kind_id="oral",
                weight=Decimal(1),
                reason="описка",
                correction_reason=REASON,
            ),
            "dep1",
        ),
        on(
            "l2",
            AttendanceTaken(
                absences=(AbsenceEntry(pupil_id="p2", kind="absent"),), correction_reason=REASON
            ),
            "adm1",
        ),
        (MARKS, period_mark("4", REASON), "dep1"),
    ]
    return numbered(items)


@pytest.fixture
async def views(project_view) -> PgJournalViews:
    return PgJournalViews(await project_view(history()))


async def test_the_sheet_holds_the_last_mark_set_with_its_average_and_inputs(views):
    data = await views.period_data(S, Y, "c1", "math", "q1", Q1)
    assert [pupil for pupil, _name in data.pupils] == ["p1", "p2"]
    assert data.pupils[0] == ("p1", "Ivanov")
    record = data.set_marks["p1"]
    assert (record.value, record.average, record.suggested) == ("4", Decimal("4.00"), "4")
    assert record.correction_reason == REASON
    assert record.set_by == "dep1"
    assert [i.mark_id for i in record.inputs] == ["m1"]
    assert [i.value for i in data.inputs["p2"]] == ["3"]  # the mark as corrected
    assert "p2" not in data.set_marks


async def test_a_pupils_inputs_are_their_marks_in_force_in_the_period(views):
    inputs = await views.period_inputs(S, Y, "c1", "math", "p1", Q1)
    assert [(i.mark_id, i.value, i.weight) for i in inputs] == [("m1", "4", Decimal(1))]
    assert await views.period_inputs(S, Y, "c1", "math", "p1", (Q1[1], Q1[1])) == ()
    with pytest.raises(ViewNotFound):
        await views.period_data(S, Y, "c9", "math", "q1", Q1)


async def test_corrections_are_listed_on_the_lesson_and_flag_what_they_changed(views):
    detail = await views.lesson_detail(S, Y, "l1")
    assert [(c.event_type, c.reason, c.actor_id) for c in detail.corrections] == [
        ("journal.TopicSet", REASON, "dep1"),
        ("journal.MarkCorrected", REASON, "dep1"),
    ]
    flags = {m.mark_id: (m.corrected_after_close, m.correction_reason) for m in detail.marks}
    assert flags == {"m1": (False, None), "m9": (True, REASON)}
    other = await views.lesson_detail(S, Y, "l2")
    assert [a.corrected_after_close for a in other.absences] == [True]


async def test_the_grid_flags_corrected_lessons_cells_and_marks(views):
    grid = await views.class_grid(S, Y, "c1", "math", *Q1)
    assert [lesson.corrected_after_close for lesson in grid.lessons] == [True, True]
    rows = {row.pupil_id: row for row in grid.rows}
    first, second = rows["p1"].cells
    assert not first.corrected_after_close  # p1's mark was not corrected
    assert not second.corrected_after_close
    corrected, absent = rows["p2"].cells
    assert corrected.corrected_after_close
    assert [m.corrected_after_close for m in corrected.marks] == [True]
    assert absent.corrected_after_close


async def test_applying_again_or_in_other_batches_writes_the_same_rows(views, pg_pool, pg_schema):
    once = await assert_redelivery_changes_nothing(pg_pool, pg_schema, history(), TABLES)
    assert len(once["period_marks"]) == 1
    assert len(once["lesson_corrections"]) == 3
    for size in (1, 4):
        await assert_splits_build_the_same_rows(pg_pool, pg_schema, history(), TABLES, size)
