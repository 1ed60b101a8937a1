"""Properties of the kernel's fold (the journal view stores it as it is): idempotent under
redelivery, blind to the order of events on unrelated keys, the same whatever the batch
boundaries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from contracts.base import Event
from contracts.journal import (
    AbsenceEntry,
    AbsenceReasonSet,
    AttendanceTaken,
    ClassOpened,
    ClassTeacherAssigned,
    HomeworkSet,
    LessonCancelled,
    LessonEntriesSaved,
    LessonHeld,
    MarkCancelled,
    MarkCorrected,
    MarkRecorded,
    PupilJoinedClass,
    PupilLeftClass,
    TeacherSubstituted,
    TeachingAssigned,
    TeachingUnassigned,
    TopicSet,
)
from kernel import Fact, ViewState, project
from tests.support.fold_givens import DAY, SCALE, facts, mark, scheduled

PUPILS = st.sampled_from(["p1", "p2", "p3"])
MARK_IDS = st.sampled_from(["m1", "m2", "m3"])
VALUES = st.sampled_from(["5", "4", "2", "н/а"])
ABSENCE = st.builds(
    AbsenceEntry, pupil_id=PUPILS, kind=st.sampled_from(["absent", "late"]), minutes_late=st.none()
)
ATTENDANCE = st.lists(ABSENCE, max_size=3, unique_by=lambda a: a.pupil_id).map(tuple)
MARK = st.builds(mark, MARK_IDS, PUPILS, VALUES, st.sampled_from(["1", "2"]))
LESSON_EVENT = st.one_of(
    st.builds(TeacherSubstituted, substitute_id=st.sampled_from(["t1", "t2"]), reason=st.just("r")),
    st.just(LessonHeld()),
    st.just(LessonCancelled(reason="trip")),
    st.builds(TopicSet, topic=st.sampled_from(["A", "B"])),
    st.builds(HomeworkSet, text=st.sampled_from(["x", "y"])),
    st.builds(MarkRecorded, mark=MARK),
    st.builds(
        MarkCorrected,
        mark_id=MARK_IDS,
        value=VALUES,
        work_kind_id=st.just("test"),
        weight=st.just(Decimal(2)),
        reason=st.just("fix"),
    ),
    st.builds(MarkCancelled, mark_id=MARK_IDS, reason=st.just("no")),
    st.builds(AttendanceTaken, absences=ATTENDANCE),
    st.builds(
        AbsenceReasonSet,
        pupil_id=PUPILS,
        reason=st.sampled_from(["illness", "valid", "unexcused", "unknown"]),
    ),
    st.builds(LessonEntriesSaved, held=st.booleans(), marks=st.lists(MARK, max_size=2).map(tuple)),
)
CLASS_EVENT = st.one_of(
    st.builds(PupilJoinedClass, pupil_id=PUPILS, since=st.dates(DAY, dt.date(2026, 12, 31))),
    st.builds(
        PupilLeftClass,
        pupil_id=PUPILS,
        last_day=st.dates(DAY, dt.date(2026, 12, 31)),
        reason=st.just("moved"),
    ),
    st.builds(TeachingAssigned, teacher_id=st.just("t1"), subject_id=st.just("math")),
    st.builds(TeachingUnassigned, teacher_id=st.just("t1"), subject_id=st.just("math")),
    st.builds(ClassTeacherAssigned, class_teacher_id=st.sampled_from(["t1", "t2"])),
)


def history(lesson_id: str, class_id: str) -> st.SearchStrategy[list[tuple[str, Event]]]:
    """A lesson's and its class's histories, interleaved, each starting where it must."""
    opened = (class_id, ClassOpened(class_id=class_id, grade=5, label="5A", class_teacher_id="t1"))
    lesson = st.lists(LESSON_EVENT, max_size=12).map(
        lambda es: [scheduled(lesson_id, class_id), *((lesson_id, e) for e in es)]
    )
    klass = st.lists(CLASS_EVENT, max_size=6).map(lambda es: [opened, *((class_id, e) for e in es)])
    return st.tuples(lesson, klass).map(lambda pair: [*pair[0], *pair[1]])


@given(history("l1", "c1"), st.integers(0, 30))
def test_applying_a_batch_twice_equals_applying_it_once(items, split):
    batch = facts(("s1", SCALE), *items)
    once = project(ViewState(), batch)
    assert project(once, batch) == once
    assert project(project(ViewState(), batch[:split]), batch) == once
    assert project(project(ViewState(), batch[:split]), batch[split:]) == once


@given(history("la", "ca"), history("lb", "cb"), st.randoms(use_true_random=False))
def test_order_of_events_on_unrelated_keys_does_not_matter(first, second, rnd):
    numbered = facts(("s1", SCALE), *first, *second)
    config, rest = numbered[:1], numbered[1:]
    a, b = rest[: len(first)], rest[len(first) :]
    picks = [0] * len(a) + [1] * len(b)
    rnd.shuffle(picks)
    queues: list[list[Fact]] = [list(a), list(b)]
    interleaved = [queues[p].pop(0) for p in picks]
    assert project(ViewState(), config + interleaved) == project(ViewState(), numbered)
