"""Properties of the as-of fold and its diff, over random histories of a small class.

- folding a prefix and then the rest equals folding everything (so a moment can be reached in
  steps, and the diff of two moments can fold only what lies between them);
- the diff of a state with itself is empty, and the diff of two moments is explained exactly by
  the events between them: every change names a lesson (or pupil) those events touched, and
  every lesson whose column or cells changed on the page has a change.

The fold itself is the kernel's (the journal view's too), tested in `tests/unit/kernel`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.base import Event
from contracts.journal import (
    AbsenceEntry,
    AbsenceReasonSet,
    AttendanceTaken,
    ClassOpened,
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
    MarkScaleConfigured,
    PupilJoinedClass,
    PupilLeftClass,
    PupilRegistered,
    ScaleValue,
    TeacherSubstituted,
    TopicSet,
)
from contracts.journal import Attachment as AttachmentModel
from services.audit.domain.asof import GridQuery, JournalState, Recorded, class_grid, diff, fold

T0 = dt.datetime(2026, 9, 1, 6, 0, tzinfo=dt.UTC)
DAYS = (dt.date(2026, 9, 7), dt.date(2026, 9, 9), dt.date(2026, 10, 5))
PAGE = GridQuery("5a", "math", dt.date(2026, 9, 1), dt.date(2026, 9, 30))
LESSONS = ("l1", "l2", "l3")
SCALE = MarkScaleConfigured(
    scale_id="five",
    values=(
        *(ScaleValue(value=str(n), numeric=n, label=str(n)) for n in range(1, 6)),
        ScaleValue(value="н/а", label="не аттестован"),
    ),
)
SETUP: list[tuple[str, Event]] = [
    ("s1", SCALE),
    ("5a", ClassOpened(class_id="5a", grade=5, label="5А", class_teacher_id="t1")),
    *(
        (
            lesson,
            LessonScheduled(
                lesson_id=lesson,
                class_id="5a",
                subject_id="math",
                date=day,
                slot=1,
                teacher_id="t1",
            ),
        )
        for lesson, day in zip(LESSONS, DAYS, strict=True)
    ),
]

PUPILS = st.sampled_from(["p1", "p2", "p3"])
MARK_IDS = st.sampled_from(["m1", "m2", "m3", "m4"])
VALUES = st.sampled_from(["5", "4", "2", "н/а", "7"])
WEIGHTS = st.sampled_from([Decimal(1), Decimal("1.5"), Decimal(2)])
MARK = st.builds(
    MarkEntry,
    mark_id=MARK_IDS,
    pupil_id=PUPILS,
    value=VALUES,
    work_kind_id=st.sampled_from(["oral", "test"]),
    weight=WEIGHTS,
    counts=st.booleans(),
)
ABSENCE = st.builds(
    AbsenceEntry,
    pupil_id=PUPILS,
    kind=st.sampled_from(["absent", "late"]),
    minutes_late=st.sampled_from([None, 5]),
)
ATTENDANCE = st.lists(ABSENCE, max_size=3, unique_by=lambda a: a.pupil_id).map(tuple)
ATTACHMENT = st.builds(
    AttachmentModel,
    attachment_id=st.sampled_from(["a1", "a2"]),
    name=st.just("f.pdf"),
    size=st.just(1),
    media_type=st.just("application/pdf"),
    sha256=st.just("0" * 64),
)
PLAIN_LESSON_EVENT = st.one_of(
    st.builds(TeacherSubstituted, substitute_id=st.sampled_from(["t1", "t2"]), reason=st.just("r")),
    st.just(LessonHeld()),
    st.just(LessonCancelled(reason="trip")),
    st.builds(TopicSet, topic=st.sampled_from(["A", "B"])),
    st.builds(
        HomeworkSet, text=st.sampled_from(["x", "y"]), due_on=st.sampled_from([None, DAYS[1]])
    ),
    st.builds(HomeworkAttachmentAdded, attachment=ATTACHMENT),
    st.builds(MarkRecorded, mark=MARK),
    st.builds(
        MarkCorrected,
        mark_id=MARK_IDS,
        value=VALUES,
        work_kind_id=st.just("test"),
        weight=WEIGHTS,
        counts=st.booleans(),
        reason=st.just("fix"),
    ),
    st.builds(MarkCancelled, mark_id=MARK_IDS, reason=st.just("no")),
    st.builds(AttendanceTaken, absences=ATTENDANCE),
    st.builds(
        AbsenceReasonSet,
        pupil_id=PUPILS,
        reason=st.sampled_from(["illness", "valid", "unexcused", "unknown"]),
        evidence=st.sampled_from([None, "справка"]),
    ),
    st.builds(
        LessonEntriesSaved,
        held=st.booleans(),
        topic=st.sampled_from([None, "C"]),
        homework=st.sampled_from([None, HomeworkSet(text="z")]),
        marks=st.lists(MARK, max_size=2, unique_by=lambda m: m.mark_id).map(tuple),
        attendance=st.none() | ATTENDANCE,
    ),
)
LESSON_EVENT = PLAIN_LESSON_EVENT | PLAIN_LESSON_EVENT.map(
    lambda e: e.model_copy(update={"correction_reason": "после закрытия"})  # a correction
)
OTHER_EVENT = st.one_of(
    st.builds(
        PupilJoinedClass, pupil_id=PUPILS, since=st.sampled_from([*DAYS, dt.date(2026, 9, 1)])
    ),
    st.builds(PupilLeftClass, pupil_id=PUPILS, last_day=st.sampled_from(DAYS), reason=st.just("x")),
).map(lambda e: ("5a", e)) | st.builds(
    lambda p, n: (p, PupilRegistered(pupil_id=p, full_name=n, birth_date=dt.date(2015, 1, 1))),
    PUPILS,
    st.sampled_from(["Антонова", "Борисов", "Я"]),
)
ITEM = st.one_of(st.tuples(st.sampled_from(LESSONS), LESSON_EVENT), OTHER_EVENT)
HISTORY = st.lists(ITEM, max_size=25).map(lambda items: [*SETUP, *items])


def recorded(items: list[tuple[str, Event]]) -> list[Recorded]:
    """Sequences 1, 2, ... a minute apart; every other event by a second teacher."""
    return [
        Recorded(i, T0 + dt.timedelta(minutes=i), agg, f"t{i % 2 + 1}", event)
        for i, (agg, event) in enumerate(items, 1)
    ]


def start() -> JournalState:
    return JournalState("s1", 2026)


def page(state: JournalState) -> object:
    grid = class_grid(state, PAGE, T0)
    assert grid is not None
    return (grid.lessons, grid.rows)


@given(HISTORY, st.integers(0, 40))
def test_folding_a_prefix_then_the_rest_equals_folding_everything(items, split):
    events = recorded(items)
    whole = fold(start(), events)
    assert fold(fold(start(), events[:split]), events[split:]) == whole
    assert fold(whole, events[:split]) == whole  # what was folded already is skipped


@given(HISTORY)
def test_the_diff_of_a_state_with_itself_is_empty(items):
    state = fold(start(), recorded(items))
    assert diff(state, state, PAGE) == []


@settings(max_examples=300)
@given(HISTORY, st.floats(0, 1))
def test_the_events_between_two_moments_explain_exactly_the_diff(items, where):
    events = recorded(items)
    split = len(SETUP) + round(where * (len(events) - len(SETUP)))  # the first moment
    before = fold(start(), events[:split])
    after = fold(before, events[split:])
    changes = diff(before, after, PAGE)
    between = {e.aggregate_id for e in events[split:]}
    assert {c.lesson_id for c in changes if c.lesson_id} <= between
    if any(c.pupil_id and not c.lesson_id for c in changes):
        assert between - set(LESSONS)  # a class or pupil event lies between
    old_lessons, old_rows = page(before)
    new_lessons, new_rows = page(after)
    changed = {c.lesson_id for c in changes}
    for column, lesson in enumerate(new_lessons):  # the same lessons: all scheduled in SETUP
        cells_before = {row.pupil_id: row.cells[column] for row in old_rows}
        cells_after = {row.pupil_id: row.cells[column] for row in new_rows}
        if old_lessons[column] != lesson or any(
            cells_before[p] != cell for p, cell in cells_after.items() if p in cells_before
        ):
            assert lesson.lesson_id in changed
    if (old_lessons, old_rows) != (new_lessons, new_rows):
        assert changes
    if not changes:
        assert (old_lessons, [r.pupil_id for r in old_rows]) == (
            new_lessons,
            [r.pupil_id for r in new_rows],
        )
