"""The journal as of a moment, folded from hand-built histories: the grid, a lesson, a diary."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from contracts.base import Event
from contracts.journal import (
    AbsenceEntry,
    AbsenceReasonSet,
    AttendanceTaken,
    ClassOpened,
    HomeworkSet,
    LessonCancelled,
    LessonEntriesSaved,
    LessonHeld,
    LessonScheduled,
    MarkCancelled,
    MarkCorrected,
    MarkEntry,
    MarkRecorded,
    MarkScaleConfigured,
    PupilJoinedClass,
    PupilLeftClass,
    PupilRegistered,
    ScaleValue,
    StaffMemberRegistered,
    SubjectDefined,
    TeacherSubstituted,
    TimetableSet,
    TopicSet,
)
from services.audit.domain.asof import (
    DiaryQuery,
    GridQuery,
    JournalState,
    Recorded,
    class_grid,
    fold,
    lesson_detail,
    pupil_diary,
)

T0 = dt.datetime(2026, 9, 1, 6, 0, tzinfo=dt.UTC)
MON, WED = dt.date(2026, 9, 7), dt.date(2026, 9, 9)
PAGE = GridQuery("5a", "math", dt.date(2026, 9, 1), dt.date(2026, 9, 30))
SCALE = MarkScaleConfigured(
    scale_id="five",
    values=(
        *(ScaleValue(value=str(n), numeric=n, label=str(n)) for n in range(1, 6)),
        ScaleValue(value="н/а", label="не аттестован"),
    ),
)


def history(*items: tuple[str, Event] | tuple[str, Event, str]) -> list[Recorded]:
    """Recorded events with sequences 1, 2, ... an hour apart; (aggregate, event[, actor])."""
    return [
        Recorded(
            i, T0 + dt.timedelta(hours=i), item[0], item[2] if len(item) == 3 else "t1", item[1]
        )
        for i, item in enumerate(items, 1)
    ]


def mark(mark_id: str, pupil: str, value: str, weight: str = "1", kind: str = "oral") -> MarkEntry:
    return MarkEntry(
        mark_id=mark_id, pupil_id=pupil, value=value, work_kind_id=kind, weight=Decimal(weight)
    )


def school() -> list[tuple[str, Event]]:
    """A school with maths, two teachers, three pupils in 5a (p3 from 14 September) and two
    maths lessons."""
    return [
        ("s1", SCALE),
        ("s1", SubjectDefined(subject_id="math", name="Математика")),
        ("t1", StaffMemberRegistered(staff_id="t1", full_name="Иванова", position="учитель")),
        ("t2", StaffMemberRegistered(staff_id="t2", full_name="Петров", position="учитель")),
        *(
            (p, PupilRegistered(pupil_id=p, full_name=n, birth_date=dt.date(2015, 1, 1)))
            for p, n in (("p1", "Борисов"), ("p2", "Антонова"), ("p3", "Волков"))
        ),
        ("5a", ClassOpened(class_id="5a", grade=5, label="5А", class_teacher_id="t2")),
        ("5a", PupilJoinedClass(pupil_id="p1", since=dt.date(2026, 9, 1))),
        ("5a", PupilJoinedClass(pupil_id="p2", since=dt.date(2026, 9, 1))),
        ("5a", PupilJoinedClass(pupil_id="p3", since=dt.date(2026, 9, 14))),
        ("5a", TimetableSet(effective_from=dt.date(2026, 9, 1), slots=())),
        ("l1", scheduled("l1", MON, 1)),
        ("l2", scheduled("l2", WED, 2)),
    ]


def scheduled(lesson_id: str, day: dt.date, slot: int, subject: str = "math") -> LessonScheduled:
    return LessonScheduled(
        lesson_id=lesson_id, class_id="5a", subject_id=subject, date=day, slot=slot, teacher_id="t1"
    )


def folded(*items: tuple[str, Event] | tuple[str, Event, str]) -> JournalState:
    return fold(JournalState("s1", 2026), history(*school(), *items))


def cells(state: JournalState, pupil: str) -> dict[str, tuple[list[str], str | None]]:
    grid = class_grid(state, PAGE, T0)
    assert grid is not None
    row = next(r for r in grid.rows if r.pupil_id == pupil)
    return {c.lesson_id: ([m.value for m in c.marks], c.absence) for c in row.cells}


def test_the_grid_lists_lessons_by_date_and_pupils_by_name():
    grid = class_grid(folded(), PAGE, T0)
    assert grid is not None
    assert [lesson.lesson_id for lesson in grid.lessons] == ["l1", "l2"]
    assert [row.full_name for row in grid.rows] == ["Антонова", "Борисов", "Волков"]
    assert grid.rows[2].since == dt.date(2026, 9, 14)
    assert all(row.average is None for row in grid.rows)


def test_a_corrected_mark_shows_its_new_value_and_a_cancelled_one_disappears():
    state = folded(
        ("l1", MarkRecorded(mark=mark("m1", "p1", "3"))),
        ("l1", MarkRecorded(mark=mark("m2", "p1", "5", "2", "test"))),
        ("l2", MarkRecorded(mark=mark("m3", "p1", "2"))),
        ("l1", MarkCorrected(mark_id="m1", value="4", work_kind_id="oral", weight=1, reason="r")),
        ("l2", MarkCancelled(mark_id="m3", reason="ошибка")),
    )
    assert cells(state, "p1") == {"l1": (["4", "5"], None), "l2": ([], None)}
    grid = class_grid(state, PAGE, T0)
    assert grid is not None
    row = next(r for r in grid.rows if r.pupil_id == "p1")
    assert row.average == Decimal("4.67")  # (4*1 + 5*2) / 3
    assert [m.corrected for m in row.cells[0].marks] == [True, False]
    assert row.cells[0].marks[1].weight == Decimal("2.00")
    detail = lesson_detail(state, "l2", T0)
    assert detail is not None
    assert [(m.value, m.cancelled, m.last_reason) for m in detail.marks] == [("2", True, "ошибка")]


def test_marks_off_the_numeric_scale_do_not_enter_the_average():
    state = folded(
        ("l1", MarkRecorded(mark=mark("m1", "p2", "н/а"))),
        ("l2", MarkRecorded(mark=mark("m2", "p2", "3"))),
        ("l2", MarkRecorded(mark=mark("m3", "p2", "5").model_copy(update={"counts": False}))),
    )
    grid = class_grid(state, PAGE, T0)
    assert grid is not None
    assert grid.rows[0].average == Decimal("3.00")


def test_a_state_folded_up_to_a_moment_does_not_show_a_later_late_entry():
    events = history(
        *school(), ("l1", LessonEntriesSaved(topic="Дроби", marks=(mark("m1", "p1", "5"),)))
    )
    before = fold(JournalState("s1", 2026), events[:-1])
    after = fold(before, events[-1:])
    assert cells(before, "p1")["l1"] == ([], None)
    assert cells(after, "p1")["l1"] == (["5"], None)
    lesson = lesson_detail(after, "l1", T0)
    assert lesson is not None
    assert lesson.status == "held"
    assert lesson.first_entry_at == events[-1].recorded_at


def test_a_pupil_joining_mid_term_has_a_row_but_no_lesson_before_joining():
    state = folded()
    detail = lesson_detail(state, "l1", T0)  # 7 September: before p3 joined
    assert detail is not None
    assert [p.pupil_id for p in detail.pupils] == ["p2", "p1"]
    diary = pupil_diary(state, DiaryQuery("p3", PAGE.date_from, PAGE.date_to), T0)
    assert diary is not None
    assert diary.lessons == ()
    assert [
        lesson.lesson_id for lesson in pupil_diary(state, DiaryQuery("p1", *PAGE[2:]), T0).lessons
    ] == ["l1", "l2"]


def test_a_pupil_who_left_has_a_row_until_their_last_day_and_none_after():
    state = folded(("5a", PupilLeftClass(pupil_id="p1", last_day=dt.date(2026, 9, 10), reason="x")))
    grid = class_grid(state, PAGE, T0)
    assert grid is not None
    assert [(row.pupil_id, row.last_day) for row in grid.rows][1] == ("p1", dt.date(2026, 9, 10))
    later = class_grid(state, PAGE._replace(date_from=dt.date(2026, 9, 11)), T0)
    assert later is not None
    assert [row.pupil_id for row in later.rows] == ["p2", "p3"]


def test_a_substitute_becomes_the_teacher_of_the_lesson():
    state = folded(("l1", TeacherSubstituted(substitute_id="t2", reason="болезнь")))
    grid = class_grid(state, PAGE, T0)
    assert grid is not None
    assert grid.lessons[0].teacher_id == "t2"
    detail = lesson_detail(state, "l1", T0)
    assert detail is not None
    assert (detail.teacher.full_name, detail.timetabled_teacher.full_name) == ("Петров", "Иванова")
    assert detail.substituted


def test_a_cancelled_lesson_stays_a_column_with_its_reason():
    state = folded(("l2", LessonCancelled(reason="карантин")))
    grid = class_grid(state, PAGE, T0)
    assert grid is not None
    assert [lesson.status for lesson in grid.lessons] == ["scheduled", "cancelled"]
    detail = lesson_detail(state, "l2", T0)
    assert detail is not None
    assert detail.cancel_reason == "карантин"


def test_absences_keep_their_observer_and_show_the_reasons_letter():
    state = folded(
        ("l1", AttendanceTaken(absences=(AbsenceEntry(pupil_id="p1", kind="absent"),))),
        ("l1", AbsenceReasonSet(pupil_id="p1", reason="illness"), "t2"),
        (
            "l2",
            AttendanceTaken(absences=(AbsenceEntry(pupil_id="p2", kind="late", minutes_late=5),)),
        ),
        ("l2", AbsenceReasonSet(pupil_id="p3", reason="valid")),  # p3 was not absent: no effect
    )
    assert cells(state, "p1")["l1"] == ([], "Б")
    assert cells(state, "p2")["l2"] == ([], "ОП")
    assert cells(state, "p3")["l2"] == ([], None)
    grid = class_grid(state, PAGE, T0)
    assert grid is not None
    assert [(r.pupil_id, r.absences, r.lates) for r in grid.rows] == [
        ("p2", 0, 1),
        ("p1", 1, 0),
        ("p3", 0, 0),
    ]
    absence = lesson_detail(state, "l1", T0).absences[0]
    assert (absence.observed_by, absence.reason_set_by) == ("t1", "t2")


def test_a_new_observation_replaces_the_old_one_but_keeps_the_reason():
    state = folded(
        ("l1", AttendanceTaken(absences=(AbsenceEntry(pupil_id="p1", kind="absent"),))),
        ("l1", AbsenceReasonSet(pupil_id="p1", reason="valid")),
        ("l1", AttendanceTaken(absences=(AbsenceEntry(pupil_id="p2", kind="absent"),))),
        (
            "l1",
            AttendanceTaken(absences=(AbsenceEntry(pupil_id="p2", kind="late", minutes_late=3),)),
        ),
    )
    detail = lesson_detail(state, "l1", T0)
    assert detail is not None
    assert [(a.pupil_id, a.kind, a.letter) for a in detail.absences] == [("p2", "late", "ОП")]


def test_events_before_a_lesson_is_scheduled_or_a_class_opened_leave_nothing():
    items = [
        ("l9", TopicSet(topic="x")),
        ("6b", PupilJoinedClass(pupil_id="p1", since=dt.date(2026, 9, 1))),
    ]
    state = fold(JournalState("s1", 2026), history(*items))
    assert list(state.lessons()) == []
    assert list(state.classes()) == []
    assert class_grid(state, PAGE, T0) is None
    assert lesson_detail(state, "l9", T0) is None


def test_the_diary_shows_the_pupils_own_marks_topic_homework_and_absence():
    state = folded(
        (
            "l1",
            LessonEntriesSaved(
                topic="Дроби",
                homework=HomeworkSet(text="§1", due_on=WED),
                marks=(mark("m1", "p1", "5"), mark("m2", "p2", "3")),
                attendance=(AbsenceEntry(pupil_id="p2", kind="absent"),),
            ),
        ),
        ("l2", LessonHeld()),
        ("l2", TopicSet(topic="Проценты")),
    )
    diary = pupil_diary(state, DiaryQuery("p1", *PAGE[2:]), T0)
    assert diary is not None
    first, second = diary.lessons
    assert (first.topic, first.homework_text, first.subject_name) == ("Дроби", "§1", "Математика")
    assert [m.value for m in first.marks] == ["5"]
    assert first.absence is None
    assert (second.status, second.topic, second.marks) == ("held", "Проценты", ())
    other = pupil_diary(state, DiaryQuery("p2", *PAGE[2:]), T0)
    assert other.lessons[0].absence.letter == "Н"
    assert pupil_diary(state, DiaryQuery("p9", *PAGE[2:]), T0) is None


def test_folding_the_same_events_twice_changes_nothing():
    events = history(*school(), ("l1", MarkRecorded(mark=mark("m1", "p1", "5"))))
    once = fold(JournalState("s1", 2026), events)
    assert fold(once, events) == once


def test_a_correction_after_closing_is_listed_and_flags_what_it_changed():
    reason = "исправление после закрытия четверти"
    state = folded(
        ("l1", MarkRecorded(mark=mark("m1", "p1", "3"))),
        ("l1", AttendanceTaken(absences=(AbsenceEntry(pupil_id="p2", kind="absent"),))),
        (
            "l1",
            MarkCorrected(
                mark_id="m1",
                value="4",
                work_kind_id="oral",
                weight=1,
                reason="r",
                correction_reason=reason,
            ),
            "dep1",
        ),
    )
    grid = class_grid(state, PAGE, T0)
    assert grid is not None
    assert [lesson.corrected_after_close for lesson in grid.lessons] == [True, False]
    cell = next(r for r in grid.rows if r.pupil_id == "p1").cells[0]
    assert cell.corrected_after_close
    assert cell.marks[0].corrected_after_close
    assert not next(r for r in grid.rows if r.pupil_id == "p2").cells[0].corrected_after_close
    detail = lesson_detail(state, "l1", T0)
    assert detail is not None
    assert [(c.event_type, c.reason, c.actor_id, c.mark_ids) for c in detail.corrections] == [
        ("journal.MarkCorrected", reason, "dep1", ["m1"])
    ]
    assert (detail.marks[0].corrected_after_close, detail.marks[0].correction_reason) == (
        True,
        reason,
    )
    assert not detail.absences[0].corrected_after_close
