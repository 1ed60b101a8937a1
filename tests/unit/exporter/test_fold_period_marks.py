"""Period marks in the exporter's fold: one `period-marks` record per class and subject, the
mark last set per pupil and period with its average, flagged when set as a correction; never the
inputs, the rules, the setter or the reason. And folding is indifferent to how the journal is
cut into batches."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from contracts import subjects
from contracts.base import Event
from contracts.diary import PeriodMarksRecord, content_digest, record_digest
from contracts.journal import (
    LessonScheduled,
    MarkCorrected,
    MarkEntry,
    MarkRecorded,
    PeriodMarkInput,
    PeriodMarkSet,
    TopicSet,
)
from services.exporter.domain.fold import doc_key, evolve
from services.exporter.domain.pseudonym import Pseudonymiser
from services.exporter.domain.records import published, to_record
from tests.support.fold_givens import lesson_scheduled

S, Y = "s1", 2026
PSEUDO = Pseudonymiser(b"period-marks-test-key-0123456789")
REASON = "исправление по служебной записке № 12"
INPUT = PeriodMarkInput(
    mark_id="m1",
    lesson_id="l1",
    date=dt.date(2026, 9, 7),
    value="4",
    weight=Decimal(2),
)


def period_mark(
    pupil: str = "kid-1",
    *,
    subject: str = "math",
    period: str = "q1",
    value: str = "5",
    average: Decimal | None = Decimal("4.25"),
    correction: str | None = None,
) -> PeriodMarkSet:
    return PeriodMarkSet(
        pupil_id=pupil,
        subject_id=subject,
        period_id=period,
        value=value,
        average=average,
        suggested="4",
        inputs=(INPUT,),
        rules_version=0,
        correction_reason=correction,
    )


def fold(history: list[tuple[str, Event]], docs: dict | None = None, first: int = 1) -> dict:
    result = dict(docs or {})
    for seq, (subject, event) in enumerate(history, start=first):
        key = doc_key(subject)
        if key is None:
            continue
        after = evolve(result.get(key), event, subject=subject, seq=seq)
        if after is not None:
            result[key] = after
    return result


def shown(docs: dict) -> dict:
    """What the documents' records say."""
    return {key: published(doc, PSEUDO.of) for key, doc in docs.items()}


def marks_of(class_id: str, subject: str = "math") -> str:
    return subjects.period_marks(Y, S, class_id, subject)


def test_a_period_mark_is_exported_under_its_class_and_subject_without_what_stays_home():
    docs = shown(fold([(marks_of("5a"), period_mark(correction=None))]))
    doc = docs[("period-marks", "5a--math")]
    record = to_record(doc, "b1", 0)
    assert isinstance(record, PeriodMarksRecord)
    assert record.record_id == "5a--math"
    assert record.content() == doc.content
    assert record_digest(record) == content_digest(doc.content)
    assert doc.content == {
        "class_id": "5a",
        "subject_id": "math",
        "marks": [
            {
                "pupil": PSEUDO.of("kid-1"),
                "period_id": "q1",
                "value": "5",
                "average": "4.25",
                "corrected_after_close": False,
            }
        ],
    }
    text = json.dumps(doc.content, ensure_ascii=False)
    for secret in ("kid-1", "m1", "l1", "suggested", "rules", "inputs"):
        assert secret not in text


def test_the_same_subject_in_two_classes_is_two_records():
    docs = shown(fold([(marks_of("5a"), period_mark()), (marks_of("5b"), period_mark("kid-2"))]))
    assert set(docs) == {("period-marks", "5a--math"), ("period-marks", "5b--math")}
    assert docs[("period-marks", "5b--math")].content["class_id"] == "5b"


def test_the_last_mark_set_wins_and_a_correction_flags_it_while_it_stands():
    subject = marks_of("5a")
    docs = fold(
        [
            (subject, period_mark(value="4")),
            (subject, period_mark("kid-2", value="н/а", average=None)),
            (subject, period_mark(value="5", correction=REASON)),
            (subject, period_mark(period="q2", value="3", average=Decimal("3.333"))),
        ]
    )
    doc = shown(docs)[("period-marks", "5a--math")]
    marks = {(m["period_id"], m["pupil"]): m for m in doc.content["marks"]}
    assert list(marks) == sorted(marks)  # ordered by period, then pupil
    first = marks[("q1", PSEUDO.of("kid-1"))]
    assert (first["value"], first["corrected_after_close"]) == ("5", True)
    assert marks[("q1", PSEUDO.of("kid-2"))]["average"] is None
    assert marks[("q2", PSEUDO.of("kid-1"))]["average"] == "3.33"  # to the cent, as the journal
    assert REASON not in json.dumps(doc.content, ensure_ascii=False)
    # Set again by the teacher after the period reopened: the journal's sheet shows no flag.
    reset = fold([(subject, period_mark(value="4"))], docs, first=5)
    marks = shown(reset)[doc_key(subject)].content["marks"]
    again = {(m["period_id"], m["pupil"]): m for m in marks}
    assert again[("q1", PSEUDO.of("kid-1"))]["corrected_after_close"] is False


def test_setting_the_same_mark_again_is_not_a_change():
    subject = marks_of("5a")
    docs = fold([(subject, period_mark())])
    before = docs[doc_key(subject)]
    after = evolve(before, period_mark(), subject=subject, seq=7)
    assert after is not None
    assert published(after, PSEUDO.of) == published(before, PSEUDO.of)  # its seq stays


# ---------------------------------------------------------------- properties

PUPILS = ("kid-1", "kid-2", "kid-3")
LESSON = subjects.lesson(Y, S, "5a", "l1")
SCHEDULED = lesson_scheduled("l1", "5a", day=dt.date(2026, 9, 7), slot=1)
correction = st.none() | st.just(REASON)
entry = st.builds(
    MarkEntry,
    mark_id=st.sampled_from(("m1", "m2")),
    pupil_id=st.sampled_from(PUPILS),
    value=st.sampled_from(("3", "4", "5")),
    work_kind_id=st.just("oral"),
    weight=st.just(Decimal(1)),
)
period_steps = st.tuples(
    st.sampled_from((marks_of("5a"), marks_of("5b"), marks_of("5a", "rus"))),
    st.builds(
        period_mark,
        st.sampled_from(PUPILS),
        period=st.sampled_from(("q1", "q2", "year")),
        value=st.sampled_from(("3", "4", "5", "н/а", "осв")),
        average=st.none() | st.decimals("1", "5", places=2),
        correction=correction,
    ),
)
lesson_steps = st.one_of(
    st.just((LESSON, SCHEDULED)),
    st.builds(TopicSet, topic=st.just("Дроби"), correction_reason=correction).map(
        lambda e: (LESSON, e)
    ),
    st.builds(MarkRecorded, mark=entry, correction_reason=correction).map(lambda e: (LESSON, e)),
    st.builds(
        MarkCorrected,
        mark_id=st.sampled_from(("m1", "m2")),
        value=st.just("2"),
        work_kind_id=st.just("oral"),
        weight=st.just(Decimal(1)),
        reason=st.just("пересчитано"),
        correction_reason=correction,
    ).map(lambda e: (LESSON, e)),
)
histories = st.lists(st.one_of(period_steps, lesson_steps), max_size=30)


@given(histories, st.lists(st.integers(0, 30), max_size=5))
@settings(max_examples=150, deadline=None)
def test_any_cut_into_batches_gives_the_same_documents_and_valid_records(history, cuts):
    bounds = sorted({0, len(history), *(min(c, len(history)) for c in cuts)})
    state: dict = {}
    diary: dict = {}
    for start, end in itertools.pairwise(bounds):
        state = fold(history[start:end], state, first=start + 1)
        for key, doc in state.items():  # the delta: changed in (start, end]; highest seq wins
            if start < doc.seq <= end and (key not in diary or diary[key].seq < doc.seq):
                diary[key] = doc
    full = fold(history)
    assert state == full
    assert shown(diary) == shown(full)
    for doc in shown(full).values():
        assert to_record(doc, "b1", 0).content() == doc.content
        text = json.dumps(doc.content, ensure_ascii=False)
        assert REASON not in text
        assert not any(p in text for p in PUPILS)


@given(histories)
@settings(max_examples=100, deadline=None)
def test_a_lesson_is_flagged_exactly_when_some_event_of_it_was_a_correction(history):
    """The journal's `lesson_corrections` meaning: a row per lesson event with a reason."""
    full = shown(fold(history))
    lesson = full.get(("lesson", "l1"))
    if lesson is None:
        return
    # Events before the lesson is scheduled show nothing (the journal never has any).
    first = next(i for i, (_, e) in enumerate(history) if isinstance(e, LessonScheduled))
    after = [e for s, e in history[first:] if s == LESSON]
    expected = any(getattr(e, "correction_reason", None) for e in after)
    assert lesson.content["corrected_after_close"] is expected
