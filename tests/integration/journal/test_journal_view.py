"""The journal view on a real PostgreSQL: the projection's writes and the three queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from contracts import subjects
from contracts.envelope import Envelope
from contracts.journal import (
    AbsenceEntry,
    AbsenceReasonSet,
    Attachment,
    AttendanceTaken,
    ClassOpened,
    HomeworkAttachmentAdded,
    HomeworkSet,
    LessonCancelled,
    LessonEntriesSaved,
    LessonHeld,
    MarkCancelled,
    MarkCorrected,
    MarkRecorded,
    MarkScaleConfigured,
    Period,
    PupilJoinedClass,
    PupilLeftClass,
    PupilRegistered,
    ScaleValue,
    SchoolYearOpened,
    StaffMemberRegistered,
    SubjectDefined,
    TeacherSubstituted,
    TeachingAssigned,
    TopicSet,
    WorkKind,
    WorkKindsConfigured,
)
from services.common.db import PROJECTOR_MIGRATIONS
from services.common.eventstore import Version, encode, headers_for
from services.common.projector import Projected
from services.journal.adapters.journal_projection import JournalViewProjection
from services.journal.adapters.journal_view import PgJournalViews
from services.journal.application.read_models import ViewNotFound
from services.journal.bootstrap import MIGRATIONS
from tests.support.journal_view import (
    SCHOOL,
    VIEW_TABLES,
    YEAR,
    Item,
    assert_redelivery_changes_nothing,
    assert_splits_build_the_same_rows,
    dump,
    migrate_view,
    numbered,
    on,
    oral_mark,
    scheduled,
)
from tests.support.projectors import journal_projector

pytestmark = pytest.mark.integration

S, Y = SCHOOL, YEAR
SEP = {d: dt.date(2026, 9, d) for d in range(1, 31)}
SCHOOL_SUBJECT = subjects.school_config(Y, S)
SHEET = Attachment(
    attachment_id="a1", name="sheet.pdf", size=10, media_type="application/pdf", sha256="a" * 64
)


def lesson(lesson_id: str, subject_id: str, day: int, slot: int) -> Item:
    return scheduled(lesson_id, SEP[day], subject_id, slot)


def school_setup() -> list[Item]:
    """The school's year, scale, kinds of work and subject, as the administrator sets them."""
    scale = tuple(ScaleValue(value=str(n), numeric=n, label=str(n)) for n in range(2, 6))
    period = Period(period_id="q1", name="I", starts_on=SEP[1], ends_on=dt.date(2026, 10, 31))
    opened = SchoolYearOpened(
        school_name="School", starts_on=SEP[1], ends_on=dt.date(2027, 5, 31), periods=(period,)
    )
    oral = WorkKind(work_kind_id="oral", name="Oral", weight=Decimal(1))
    return [
        (SCHOOL_SUBJECT, event, "admin")
        for event in (
            opened,
            MarkScaleConfigured(
                scale_id="five", values=(*scale, ScaleValue(value="н/а", label="-"))
            ),
            WorkKindsConfigured(kinds=(oral,)),
            SubjectDefined(subject_id="math", name="Mathematics"),
        )
    ]


def roster() -> list[Item]:
    """Three teachers, three pupils, class 5A; Sidorov leaves it on 8 September."""
    cls = subjects.school_class(Y, S, "c1")
    staff = [
        (
            subjects.staff_member(Y, S, sid),
            StaffMemberRegistered(staff_id=sid, full_name=name, position="teacher"),
            "admin",
        )
        for sid, name in (("t1", "Anna"), ("t2", "Boris"), ("ct", "Clara"))
    ]
    born = dt.date(2015, 1, 1)
    pupils = [
        (
            subjects.pupil(Y, S, pid),
            PupilRegistered(pupil_id=pid, full_name=name, birth_date=born),
            "admin",
        )
        for pid, name in (("p3", "Sidorov"), ("p1", "Ivanov"), ("p2", "Petrov"))
    ]
    klass: list[Item] = [
        (cls, ClassOpened(class_id="c1", grade=5, label="5A", class_teacher_id="ct"), "admin"),
        (cls, TeachingAssigned(teacher_id="t1", subject_id="math"), "admin"),
        *((cls, PupilJoinedClass(pupil_id=p, since=SEP[1]), "admin") for p in ("p1", "p2", "p3")),
        (cls, PupilLeftClass(pupil_id="p3", last_day=SEP[8], reason="moved"), "admin"),
    ]
    return [*staff, *pupils, *klass]


def lessons() -> list[Item]:
    """Four lessons: marks recorded, corrected and cancelled, absences, a substitution."""
    saved = LessonEntriesSaved(
        topic="Fractions",
        marks=(
            oral_mark("m1", "p1", "5"),
            oral_mark("m2", "p2", "3"),
            oral_mark("m3", "p3", "4", 2),
        ),
        attendance=(AbsenceEntry(pupil_id="p2", kind="absent"),),
    )
    fix = MarkCorrected(
        mark_id="m2", value="4", work_kind_id="test", weight=Decimal(2), reason="typo"
    )
    late = AbsenceEntry(pupil_id="p1", kind="late", minutes_late=5)
    return [
        *(lesson(*spec) for spec in (("l1", "math", 2, 1), ("l2", "math", 9, 1))),
        *(lesson(*spec) for spec in (("l3", "rus", 9, 3), ("l4", "rus", 9, 5))),
        on("l4", LessonCancelled(reason="trip"), "admin"),
        on("l1", saved),
        on("l1", fix),
        on("l1", MarkCancelled(mark_id="m1", reason="wrong pupil")),
        on("l1", AbsenceReasonSet(pupil_id="p2", reason="illness", evidence="note"), "ct"),
        on("l2", TeacherSubstituted(substitute_id="t2", reason="t1 ill"), "admin"),
        *(
            on("l2", MarkRecorded(mark=m), "t2")
            for m in (
                oral_mark("m4", "p1", "5", 2),
                oral_mark("m5", "p1", "н/а"),
                oral_mark("m6", "p1", "4"),
            )
        ),
        *(
            on("l2", event, "t2")
            for event in (
                TopicSet(topic="Decimals"),
                LessonHeld(),
                HomeworkSet(text="Exercise 5", due_on=SEP[16]),
                HomeworkAttachmentAdded(attachment=SHEET),
                AttendanceTaken(absences=(late,)),
            )
        ),
    ]


def history() -> list[Projected]:
    """A month of one class, as stored events with increasing sequences."""
    return numbered([*school_setup(), *roster(), *lessons()])


@pytest.fixture
async def views(project_view) -> PgJournalViews:
    return PgJournalViews(await project_view(history()))


async def test_grid_shows_current_marks_letters_and_weighted_averages(views):
    grid = await views.class_grid(S, Y, "c1", "math", SEP[1], SEP[30])
    assert [(c.lesson_id, c.status, c.topic) for c in grid.lessons] == [
        ("l1", "held", "Fractions"),
        ("l2", "held", "Decimals"),
    ]
    rows = {r.pupil_id: r for r in grid.rows}
    assert [r.full_name for r in grid.rows] == ["Ivanov", "Petrov", "Sidorov"]
    assert rows["p1"].cells[0].marks == []  # m1 was cancelled
    (m2,) = rows["p2"].cells[0].marks
    assert (m2.mark_id, m2.value, m2.weight, m2.corrected) == ("m2", "4", Decimal(2), True)
    assert rows["p2"].cells[0].absence == "Б"
    assert rows["p1"].cells[1].absence == "ОП"
    expected = (Decimal(2) * 5 + Decimal(1) * 4) / Decimal(3)  # m4, m6; н/а and m1 out
    assert rows["p1"].average == expected.quantize(Decimal("0.01"))
    assert rows["p2"].average == Decimal("4.00")
    assert (rows["p2"].absences, rows["p1"].lates) == (1, 1)


async def test_grid_lists_a_pupil_who_left_mid_range_with_the_interval(views):
    grid = await views.class_grid(S, Y, "c1", "math", SEP[1], SEP[30])
    p3 = next(r for r in grid.rows if r.pupil_id == "p3")
    assert (p3.since, p3.last_day, p3.average) == (SEP[1], SEP[8], Decimal("4.00"))
    later = await views.class_grid(S, Y, "c1", "math", SEP[9], SEP[30])
    assert [r.pupil_id for r in later.rows] == ["p1", "p2"]
    assert [c.lesson_id for c in later.lessons] == ["l2"]


async def test_lesson_detail_holds_everything_including_cancelled_marks(views):
    detail = await views.lesson_detail(S, Y, "l1")
    assert (detail.subject_name, detail.teacher.full_name, detail.class_label) == (
        "Mathematics",
        "Anna",
        "5A",
    )
    marks = {m.mark_id: m for m in detail.marks}
    assert (marks["m1"].cancelled, marks["m1"].last_reason) == (True, "wrong pupil")
    assert (marks["m2"].value, marks["m2"].numeric, marks["m2"].corrected) == ("4", 4, True)
    (absence,) = detail.absences
    assert (absence.pupil_name, absence.letter, absence.reason) == ("Petrov", "Б", "illness")
    assert (absence.observed_by, absence.reason_set_by, absence.evidence) == ("t1", "ct", "note")
    assert [p.pupil_id for p in detail.pupils] == ["p1", "p2", "p3"]
    assert detail.first_entry_at is not None
    substituted = await views.lesson_detail(S, Y, "l2")
    assert (substituted.teacher.full_name, substituted.timetabled_teacher.full_name) == (
        "Boris",
        "Anna",
    )
    assert substituted.substituted
    assert [p.full_name for p in substituted.pupils] == ["Ivanov", "Petrov"]
    assert (substituted.homework.text, substituted.homework.due_on) == ("Exercise 5", SEP[16])
    assert [a.model_dump() for a in substituted.homework.attachments] == [SHEET.model_dump()]


async def test_teacher_day_lists_the_lessons_of_record_and_what_is_missing(views):
    anna = await views.teacher_day(S, Y, "t1", SEP[9])
    assert [(lsn.lesson_id, lsn.status, lsn.missing) for lsn in anna.lessons] == [
        ("l3", "scheduled", ["topic", "held", "attendance"]),
        ("l4", "cancelled", []),
    ]
    boris = await views.teacher_day(S, Y, "t2", SEP[9])
    assert [(lsn.lesson_id, lsn.subject_name, lsn.missing) for lsn in boris.lessons] == [
        ("l2", "Mathematics", [])
    ]


async def test_roster_helpers_and_unknown_keys(views):
    assert await views.teaches(S, Y, "t1", "c1", "math")
    assert not await views.teaches(S, Y, "t2", "c1", "math")
    assert await views.class_teacher_of(S, Y, "c1") == "ct"
    assert await views.class_teacher_of(S, Y, "c9") is None
    with pytest.raises(ViewNotFound):
        await views.class_grid(S, Y, "c9", "math", SEP[1], SEP[30])
    with pytest.raises(ViewNotFound):
        await views.lesson_detail(S, Y, "l9")


async def test_applying_the_same_batch_twice_changes_nothing(views, pg_pool, pg_schema):
    once = await assert_redelivery_changes_nothing(pg_pool, pg_schema, history(), VIEW_TABLES)
    assert len(once["marks"]) == 6


@pytest.mark.parametrize("size", [1, 2, 5, 13])
async def test_any_batch_split_builds_the_same_tables(views, pg_pool, pg_schema, size):
    await assert_splits_build_the_same_rows(pg_pool, pg_schema, history(), VIEW_TABLES, size)


async def test_the_live_projector_and_a_rebuild_from_the_stream_agree(js, pg_pool, pg_schema):
    await migrate_view(pg_pool, pg_schema)
    for event in history():
        envelope: Envelope = event.stored.envelope
        headers = headers_for(envelope, expected=Version(), msg_id=str(envelope.event_id))
        del headers["Nats-Expected-Last-Subject-Sequence"]  # many events per subject
        await js.publish(event.stored.subject, encode(envelope), headers=headers)
    projector = journal_projector(
        js, pg_pool, JournalViewProjection(), batch_size=7, fetch_timeout=0.5
    )
    assert await projector.drain() == len(history())
    await projector.close()
    copy = f"{pg_schema}_copy"
    await projector.rebuild_into(copy, PROJECTOR_MIGRATIONS, MIGRATIONS)
    live = await dump(pg_pool, pg_schema, VIEW_TABLES)
    assert await dump(pg_pool, copy, VIEW_TABLES) == live
    assert len(live["marks"]) == 6
