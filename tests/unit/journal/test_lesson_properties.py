"""Properties of the lesson fold, the lesson decider and the weighted average."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

from contracts.envelope import Actor
from contracts.journal import (
    AbsenceEntry,
    AbsenceReasonSet,
    Attachment,
    AttendanceTaken,
    HomeworkAttachmentAdded,
    HomeworkSet,
    LessonCancelled,
    LessonEntriesSaved,
    LessonHeld,
    LessonScheduled,
    MarkCancelled,
    MarkCorrected,
    MarkEntry,
    MarkRecorded,
    TeacherSubstituted,
    TopicSet,
)
from kernel.grading import weighted_average
from kernel.lessons import apply_lesson
from kernel.rows import Fact
from services.journal.domain import commands as c
from services.journal.domain import klass, lesson, lesson_decider
from services.journal.domain.errors import DomainError
from services.journal.domain.lesson import MarkState
from services.journal.domain.school import DEFAULT_SCALE
from tests.support.journal_givens import (
    ADMIN,
    CLASS,
    END,
    MONDAY,
    SCHOOL,
    START,
    TEACHER,
    TODAY,
    lesson_after,
)

SCALE = {v.value: v.numeric for v in DEFAULT_SCALE}

pupils = st.sampled_from(["p01", "p02", "p01", "p02", "p03", "p99"])
mark_ids = st.sampled_from(["m1", "m2", "m3", "m4", "m5", "m6"])
values = st.sampled_from([*SCALE, "6"])
kinds = st.sampled_from(["classwork", "test", "dictation", "essay"])
weights = st.sampled_from([Decimal(1), Decimal("1.5"), Decimal(2), Decimal(3)])
texts = st.sampled_from(["Дроби", "ошибка", "болезнь"])
reasons = st.sampled_from(["illness", "valid", "unexcused", "unknown"])
teachers = st.sampled_from(["t-math", "t-other", "t-rus"])
absences = st.builds(AbsenceEntry, pupil_id=pupils, kind=st.just("absent")) | st.builds(
    AbsenceEntry, pupil_id=pupils, kind=st.just("late"), minutes_late=st.none() | st.integers(1, 90)
)
absence_lists = st.lists(absences, max_size=3).map(tuple)
mark_entries = st.builds(
    MarkEntry, mark_id=mark_ids, pupil_id=pupils, value=values, work_kind_id=kinds, weight=weights
)
homeworks = st.builds(HomeworkSet, text=texts, due_on=st.none() | st.dates())
attachments = st.builds(
    Attachment,
    attachment_id=st.sampled_from(["f1", "f2"]),
    name=texts,
    size=st.integers(0, 100),
    media_type=st.just("application/pdf"),
    sha256=st.just("0" * 64),
)
lesson_events = st.one_of(
    st.builds(
        LessonScheduled,
        lesson_id=st.just("l1"),
        class_id=st.just("5a"),
        subject_id=st.just("math"),
        date=st.dates(START, END),
        slot=st.integers(1, 12),
        teacher_id=teachers,
        group=st.none() | st.just("a"),
    ),
    st.builds(TeacherSubstituted, substitute_id=teachers, reason=texts),
    st.builds(LessonHeld),
    st.builds(LessonCancelled, reason=texts),
    st.builds(TopicSet, topic=texts),
    homeworks,
    st.builds(HomeworkAttachmentAdded, attachment=attachments),
    st.builds(MarkRecorded, mark=mark_entries),
    st.builds(
        MarkCorrected,
        mark_id=mark_ids,
        value=values,
        work_kind_id=kinds,
        weight=weights,
        counts=st.booleans(),
        reason=texts,
    ),
    st.builds(MarkCancelled, mark_id=mark_ids, reason=texts),
    st.builds(AttendanceTaken, absences=absence_lists),
    st.builds(AbsenceReasonSet, pupil_id=pupils, reason=reasons),
    st.builds(
        LessonEntriesSaved,
        held=st.booleans(),
        topic=st.none() | texts,
        homework=st.none() | homeworks,
        marks=st.lists(mark_entries, max_size=3).map(tuple),
        attendance=st.none() | absence_lists,
    ),
)


# ---------------------------------------------------------------- (a) the fold


@given(st.lists(lesson_events, max_size=25))
def test_folding_any_sequence_of_lesson_events_never_fails_and_is_deterministic(events):
    assert lesson_after(*events) == lesson_after(*list(events))


@given(st.lists(lesson_events, max_size=25))
def test_an_event_delivered_twice_changes_nothing(events):
    assert lesson_after(*(e for event in events for e in (event, event))) == lesson_after(*events)


@given(st.lists(lesson_events, max_size=25))
def test_the_lesson_folds_by_the_kernels_rules(events):
    assert decider_view(lesson_after(*events)) == kernel_view(kernel_fold(events))


AT = dt.datetime(2026, 9, 7, 9, tzinfo=dt.UTC)


def kernel_fold(events):
    """The lesson as the kernel's fold (the journal view's, the audit's) builds it."""
    doc = None
    for seq, event in enumerate(events, start=1):
        doc = apply_lesson(doc, Fact(seq, "s1", 2026, "l1", "t-math", AT, event), SCALE)
    return doc


def kernel_view(doc):
    """What the decider reads of a lesson, taken from the kernel's lesson."""
    if doc is None:
        return None
    row = doc.row
    course = (row.class_id, row.date, row.slot, row.grp, row.teacher_id, row.status)
    notes = (row.cancel_reason, row.topic, row.homework_text, row.homework_due, row.attachments)
    marks = {mark_id: mark_fields(m, m.last_reason) for mark_id, m in doc.marks.items()}
    absences = {p: (a.kind, a.minutes_late, a.reason, a.evidence) for p, a in doc.absences.items()}
    return course, notes, marks, row.attendance_taken, absences


def mark_fields(mark, reason):
    """A mark's fields that the kernel's row and the decider's state both have."""
    mark_id_free = (mark.pupil_id, mark.value, mark.work_kind_id, mark.weight, mark.comment)
    return (*mark_id_free, mark.counts, mark.cancelled, mark.corrected, reason)


def decider_view(state):
    """What the decider reads of a lesson, in the shape of `kernel_view`."""
    if not state.scheduled:
        return None
    course = (state.class_id, state.date, state.slot, state.group)
    course += (state.teacher_of_record_id, state.status)
    homework = state.homework or lesson.Homework()
    notes = (state.cancel_reason, state.topic, homework.text or None, homework.due_on)
    notes += (homework.attachments,)
    marks = {mark_id: mark_fields(m, m.reason) for mark_id, m in state.marks.items()}
    absences = {
        p: (a.kind, a.minutes_late, a.reason, a.evidence) for p, a in state.absences.items()
    }
    return course, notes, marks, state.attendance_taken, absences


# ---------------------------------------------------------------- (b) the decider


new_marks = st.builds(
    c.NewMark,
    mark_id=mark_ids,
    pupil_id=pupils,
    value=values,
    work_kind_id=kinds,
    counts=st.booleans(),
)
reasons_or_blank = st.sampled_from(["ошибка", "  "])


def weighted(*choices):
    """Draw from the strategies in proportion to their weights."""
    return st.sampled_from([s for weight, s in choices for _ in range(weight)]).flatmap(lambda s: s)


commands = weighted(
    (1, st.just(c.ScheduleLesson("l1", "5a", "math", MONDAY, 1, "t-math"))),
    (1, st.builds(c.SubstituteTeacher, substitute_id=teachers, reason=reasons_or_blank)),
    (2, st.just(c.MarkLessonHeld())),
    (1, st.builds(c.CancelLesson, reason=reasons_or_blank)),
    (2, st.builds(c.SetTopic, topic=texts)),
    (6, st.builds(c.RecordMark, mark=new_marks)),
    (
        2,
        st.builds(
            c.CorrectMark,
            mark_id=mark_ids,
            value=values,
            work_kind_id=kinds,
            reason=reasons_or_blank,
            counts=st.booleans(),
        ),
    ),
    (2, st.builds(c.CancelMark, mark_id=mark_ids, reason=reasons_or_blank)),
    (2, st.builds(c.TakeAttendance, absences=absence_lists)),
    (2, st.builds(c.SetAbsenceReason, pupil_id=pupils, reason=reasons)),
    (
        3,
        st.builds(
            c.SaveLessonEntries,
            held=st.booleans(),
            topic=st.none() | texts,
            marks=st.lists(new_marks, max_size=2).map(tuple),
            attendance=st.none() | absence_lists,
        ),
    ),
)
actors = weighted(
    (4, st.just(TEACHER)),  # mostly the teacher of record, so that commands get accepted
    (
        1,
        st.builds(
            Actor,
            id=st.sampled_from(["t-math", "t-other", "t-rus", "adm1"]),
            role=st.sampled_from(["teacher", "admin", "deputy", "head"]),
        ),
    ),
)
todays = st.sampled_from([MONDAY - dt.timedelta(days=1), MONDAY, MONDAY, TODAY])
SCHEDULE = (
    c.ScheduleLesson("l1", "5a", "math", MONDAY, 1, "t-math"),
    ADMIN,
)


def recorded_ids(event):
    if isinstance(event, MarkRecorded):
        return [event.mark.mark_id]
    if isinstance(event, LessonEntriesSaved):
        return [m.mark_id for m in event.marks]
    return []


@given(
    st.sampled_from([True, True, True, False]),
    st.lists(st.tuples(commands, actors, todays), max_size=30),
)
def test_accepted_commands_keep_the_lessons_invariants(scheduled_first, steps):
    state = lesson.INITIAL
    start = [(*SCHEDULE, MONDAY)] if scheduled_first else []
    for cmd, actor, today in [*start, *steps]:
        try:
            events = lesson_decider.decide(
                cmd, state, actor=actor, today=today, school=SCHOOL, klass=CLASS
            )
        except DomainError:
            continue
        assert len(events) == 1
        ids = recorded_ids(events[0])
        assert len(ids) == len(set(ids))
        assert not set(ids) & set(state.marks)
        before, state = state, lesson.evolve(state, events[0])
        if before.status == "cancelled":
            assert state.status == "cancelled"
        enrolled = klass.enrolled_on(CLASS, state.date)
        assert all(m.pupil_id in enrolled for m in state.marks.values() if not m.cancelled)
        assert all(m.value in SCALE for m in state.marks.values())


# ---------------------------------------------------------------- (c) the weighted average


marks = st.builds(
    MarkState,
    pupil_id=st.just("p01"),
    value=st.sampled_from(list(SCALE)),
    work_kind_id=st.just("classwork"),
    weight=st.decimals(min_value=Decimal("0.1"), max_value=10, places=2),
    counts=st.booleans(),
    cancelled=st.booleans(),
)


def numbers(some_marks):
    return [SCALE[m.value] for m in some_marks if m.counts and not m.cancelled and SCALE[m.value]]


@given(st.lists(marks, max_size=12))
def test_the_average_lies_between_the_lowest_and_highest_counting_mark(some_marks):
    average = weighted_average(some_marks, SCALE)
    counted = numbers(some_marks)
    if not counted:
        assert average is None
    else:
        assert min(counted) <= average <= max(counted)


@given(
    st.lists(marks, min_size=1, max_size=12).flatmap(
        lambda ms: st.tuples(st.just(ms), st.permutations(ms))
    )
)
def test_the_average_does_not_depend_on_the_order_of_marks(pair):
    original, shuffled = pair
    assert weighted_average(original, SCALE) == weighted_average(shuffled, SCALE)


@given(st.lists(marks, max_size=12), marks, st.sampled_from(["cancelled", "not counting"]))
def test_a_cancelled_or_not_counting_mark_leaves_the_average_alone(some_marks, extra, how):
    left_out = MarkState(
        extra.pupil_id,
        extra.value,
        extra.work_kind_id,
        extra.weight,
        counts=how == "cancelled",
        cancelled=how == "cancelled",
    )
    before = weighted_average(some_marks, SCALE)
    assert weighted_average([*some_marks, left_out], SCALE) == before


@given(
    st.lists(marks, max_size=12), st.decimals(min_value=Decimal("0.01"), max_value=100, places=2)
)
def test_scaling_every_weight_alike_leaves_the_average_alone(some_marks, factor):
    scaled = [
        MarkState(
            m.pupil_id, m.value, m.work_kind_id, m.weight * factor, m.comment, m.counts, m.cancelled
        )
        for m in some_marks
    ]
    assert weighted_average(scaled, SCALE) == weighted_average(some_marks, SCALE)


@given(st.lists(st.sampled_from(["1", "2", "3", "4", "5"]), min_size=1, max_size=15), weights)
def test_with_equal_weights_the_average_is_the_plain_mean(some_values, weight):
    same = [MarkState("p01", v, "classwork", weight) for v in some_values]
    mean = Decimal(sum(int(v) for v in some_values)) / len(some_values)
    assert weighted_average(same, SCALE) == mean.quantize(Decimal("0.01"), ROUND_HALF_UP)
