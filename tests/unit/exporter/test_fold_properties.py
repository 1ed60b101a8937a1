"""Properties of the exporter's fold over generated journal histories.

- the fold is deterministic, every document's record validates as its contract model, and its
  stored form reads back as the same state;
- folding an event again (the same sequence: a redelivery or a re-run) changes nothing;
- a document's seq moves exactly when what its record says changes (not when only what is not
  exported does);
- no pupil id ever appears in a record, only pseudonyms;
- delta + delta + ... == full: cutting a history anywhere, exporting the documents changed in
  each range and applying them on the diary side (highest seq wins) gives the full fold.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from contracts import journal as j
from contracts import subjects
from contracts.base import Event
from contracts.subjects import parse_journal
from services.exporter.domain.docs import Doc, Folded
from services.exporter.domain.fold import evolve
from services.exporter.domain.pseudonym import Pseudonymiser
from services.exporter.domain.records import published, to_record
from services.exporter.domain.stored_docs import dump_state, load_state

S, Y = "s1", 2026
PSEUDO = Pseudonymiser(b"property-test-key-0123456789abcdef")
PUPILS = tuple(f"kid-{i}" for i in range(5))
CLASSES = ("5a", "6b")
LESSONS = ("l1", "l2", "l3")
MARKS = ("m1", "m2", "m3")
# Two joins and two leaves, so that a pupil may join twice, leave between or before joins.
JOINS = (dt.date(2026, 9, 1), dt.date(2026, 10, 1))
LAST_DAYS = (dt.date(2026, 9, 30), dt.date(2026, 10, 31))
Key = tuple[str, str]
History = list[tuple[str, Event]]

pupil = st.sampled_from(PUPILS)
reason = st.sampled_from(("Болел гриппом", "Ошибка ввода"))


def _mark(mark_id: str, pupil_id: str, value: str) -> j.MarkEntry:
    return j.MarkEntry(
        mark_id=mark_id, pupil_id=pupil_id, value=value, work_kind_id="oral", weight=Decimal(1)
    )


absences = st.lists(
    st.builds(j.AbsenceEntry, pupil_id=pupil, kind=st.sampled_from(("absent", "late"))).map(
        lambda a: a if a.kind == "absent" else a.model_copy(update={"minutes_late": 5})
    ),
    max_size=3,
    unique_by=lambda a: a.pupil_id,
).map(tuple)
marks = st.builds(_mark, st.sampled_from(MARKS), pupil, st.sampled_from(("3", "4", "5")))

lesson_events = st.one_of(
    st.builds(
        j.LessonScheduled,
        lesson_id=st.just("x"),
        class_id=st.sampled_from(CLASSES),
        subject_id=st.just("math"),
        date=st.just(dt.date(2026, 9, 7)),
        slot=st.integers(1, 3),
        teacher_id=st.sampled_from(("t1", "t2")),
    ),
    st.builds(j.TeacherSubstituted, substitute_id=st.just("t3"), reason=reason),
    st.just(j.LessonHeld()),
    st.builds(j.LessonCancelled, reason=reason),
    st.builds(j.TopicSet, topic=st.sampled_from(("Дроби", "Проценты"))),
    st.builds(j.HomeworkSet, text=st.just("№ 1"), due_on=st.none()),
    st.just(
        j.HomeworkAttachmentAdded(
            attachment=j.Attachment(
                attachment_id="a1",
                name="f.pdf",
                size=1,
                media_type="application/pdf",
                sha256="a" * 64,
            )
        )
    ),
    st.builds(j.MarkRecorded, mark=marks),
    st.builds(
        j.MarkCorrected,
        mark_id=st.sampled_from(MARKS),
        value=st.just("2"),
        work_kind_id=st.just("test"),
        weight=st.just(Decimal(2)),
        reason=reason,
    ),
    st.builds(j.MarkCancelled, mark_id=st.sampled_from(MARKS), reason=reason),
    st.builds(j.AttendanceTaken, absences=absences),
    st.builds(
        j.AbsenceReasonSet,
        pupil_id=pupil,
        reason=st.sampled_from(("illness", "valid", "unexcused")),
        evidence=reason,
    ),
    st.builds(
        j.LessonEntriesSaved,
        held=st.booleans(),
        topic=st.none() | st.just("Итоги"),
        marks=st.lists(marks, max_size=2, unique_by=lambda m: m.mark_id).map(tuple),
        attendance=st.none() | absences,
    ),
)


@st.composite
def lesson_step(draw: st.DrawFn) -> tuple[str, Event]:
    lesson_id = draw(st.sampled_from(LESSONS))
    event = draw(lesson_events)
    if isinstance(event, j.LessonScheduled):
        event = event.model_copy(update={"lesson_id": lesson_id})
    class_id = event.class_id if isinstance(event, j.LessonScheduled) else "5a"
    return subjects.lesson(Y, S, class_id, lesson_id), event


@st.composite
def class_step(draw: st.DrawFn) -> tuple[str, Event]:
    class_id = draw(st.sampled_from(CLASSES))
    event = draw(
        st.one_of(
            st.just(j.ClassOpened(class_id=class_id, grade=5, label="5А", class_teacher_id="t1")),
            st.builds(j.ClassTeacherAssigned, class_teacher_id=st.sampled_from(("t1", "t2"))),
            st.builds(j.PupilJoinedClass, pupil_id=pupil, since=st.sampled_from(JOINS)),
            st.builds(
                j.PupilLeftClass,
                pupil_id=pupil,
                last_day=st.sampled_from(LAST_DAYS),
                reason=reason,
            ),
            st.builds(j.TeachingAssigned, teacher_id=st.just("t1"), subject_id=st.just("math")),
            st.builds(j.TeachingUnassigned, teacher_id=st.just("t1"), subject_id=st.just("math")),
        )
    )
    return subjects.school_class(Y, S, class_id), event


QUARTERS = tuple(
    j.Period(period_id=f"q{n}", name=f"{n} четверть", starts_on=start, ends_on=end)
    for n, (start, end) in enumerate(
        (
            (dt.date(2026, 9, 1), dt.date(2026, 10, 26)),
            (dt.date(2026, 11, 5), dt.date(2026, 12, 28)),
        ),
        start=1,
    )
)
HALVES = (
    j.Period(
        period_id="h1",
        name="1 полугодие",
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2026, 12, 28),
    ),
)
DAYS_OFF = (
    j.DayOff(
        name="Осенние каникулы",
        kind="vacation",
        starts_on=dt.date(2026, 10, 27),
        ends_on=dt.date(2026, 11, 4),
    ),
    j.DayOff(
        name="День народного единства",
        kind="holiday",
        starts_on=dt.date(2026, 11, 4),
        ends_on=dt.date(2026, 11, 4),
    ),
)
grades = st.lists(st.integers(1, 11), min_size=1, max_size=4, unique=True).map(tuple)
# The year's plan: schemes that replace each other for some grades, assessments, calendars.
plan_events = st.one_of(
    st.builds(
        j.PeriodSchemeSet,
        scheme_id=st.sampled_from(("quarters", "halves")),
        name=st.sampled_from(("Четверти", "Полугодия")),
        grades=grades,
        periods=st.sampled_from((QUARTERS, HALVES)),
    ),
    st.builds(
        j.SubjectAssessmentSet,
        subject_id=st.sampled_from(("math", "music")),
        grades=grades,
        assessment=st.sampled_from(("scale", "pass_fail", "unmarked")),
    ),
    st.builds(
        j.SchoolCalendarSet,
        days_off=st.lists(st.sampled_from(DAYS_OFF), max_size=2, unique=True).map(tuple),
    ),
)
other_steps = st.one_of(
    st.builds(
        j.SubjectDefined, subject_id=st.just("math"), name=st.sampled_from(("Алгебра", "Мат"))
    ).map(lambda e: (subjects.school_config(Y, S), e)),
    plan_events.map(lambda e: (subjects.school_config(Y, S), e)),
    pupil.map(
        lambda p: (
            subjects.pupil(Y, S, p),
            j.PupilRegistered(pupil_id=p, full_name="Имя Фамилия", birth_date=dt.date(2015, 1, 1)),
        )
    ),
)
histories = st.lists(st.one_of(lesson_step(), class_step(), other_steps), max_size=40)


def key_of(subject: str) -> Key:
    _, _, _, kind, aggregate_id = parse_journal(subject)
    return kind, aggregate_id


def fold_into(docs: dict[Key, Folded], history: History, first_seq: int = 1) -> dict[Key, Folded]:
    """Fold events stored at sequences first_seq, first_seq + 1, ... into `docs`."""
    result = dict(docs)
    for seq, (subject, event) in enumerate(history, start=first_seq):
        key = key_of(subject)
        after = evolve(result.get(key), event, subject=subject, seq=seq)
        if after is not None:
            result[key] = after
    return result


def shown(docs: dict[Key, Folded]) -> dict[Key, Doc]:
    """What the documents' records say."""
    return {key: published(doc, PSEUDO.of) for key, doc in docs.items()}


def diary_apply(diary: dict[Key, Doc], records: list[Folded]) -> dict[Key, Doc]:
    """The diary side: keep the record with the highest seq per aggregate."""
    result = dict(diary)
    for doc in shown({(d.kind, d.record_id): d for d in records}).values():
        key = (doc.kind, doc.record_id)
        if key not in result or result[key].seq < doc.seq:
            result[key] = doc
    return result


@given(histories)
@settings(max_examples=150, deadline=None)
def test_deterministic_and_valid(history):
    once, again = fold_into({}, history), fold_into({}, history)
    assert once == again
    for doc in shown(once).values():
        assert to_record(doc, "b1", 0).content() == doc.content
    for doc in once.values():
        assert load_state(doc.kind, dump_state(doc.kind, doc.state)) == doc.state


@given(histories, st.data())
@settings(max_examples=150, deadline=None)
def test_folding_an_event_again_changes_nothing(history, data):
    full = fold_into({}, history)
    if history:
        start = data.draw(st.integers(0, len(history) - 1))
        redelivered = fold_into(full, history[start:], first_seq=start + 1)
        assert redelivered == full
    doubled: dict[Key, Folded] = {}
    for seq, (subject, event) in enumerate(history, start=1):
        for _ in range(2):
            key = key_of(subject)
            after = evolve(doubled.get(key), event, subject=subject, seq=seq)
            if after is not None:
                doubled[key] = after
    assert doubled == full


@given(histories)
@settings(max_examples=150, deadline=None)
def test_the_seq_moves_exactly_when_the_record_changes(history):
    docs: dict[Key, Folded] = {}
    for seq, (subject, event) in enumerate(history, start=1):
        key = key_of(subject)
        before = docs.get(key)
        after = evolve(before, event, subject=subject, seq=seq)
        if after is None:
            continue
        if before is not None:
            says = published(before, PSEUDO.of).content != published(after, PSEUDO.of).content
            assert (after.seq == seq) is says, (event, before.seq)
        docs[key] = after


@given(histories)
@settings(max_examples=150, deadline=None)
def test_no_pupil_id_and_no_reason_text_ever_appears(history):
    records = shown(fold_into({}, history)).values()
    text = json.dumps([d.content for d in records], ensure_ascii=False)
    for secret in (*PUPILS, "Болел", "Ошибка", "Имя Фамилия", "2015-01-01"):
        assert secret not in text


@given(histories, st.lists(st.integers(0, 40), max_size=6))
@settings(max_examples=200, deadline=None)
def test_deltas_add_up_to_the_full_export(history, cuts):
    bounds = sorted({0, len(history), *(min(c, len(history)) for c in cuts)})
    state: dict[Key, Folded] = {}
    diary: dict[Key, Doc] = {}
    for start, end in itertools.pairwise(bounds):
        state = fold_into(state, history[start:end], first_seq=start + 1)
        delta = [d for d in state.values() if start < d.seq <= end]
        diary = diary_apply(diary, delta)
    full = shown(fold_into({}, history))
    assert diary == full
