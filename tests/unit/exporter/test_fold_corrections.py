"""Corrections after close in the exporter's fold: the lesson and the marks they touch are
flagged `corrected_after_close`, with exactly the meaning of the journal's `lesson_corrections`
rows (so the diary check agrees), and the reasons (free text) never leave the school."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from contracts import subjects
from contracts.base import Event
from contracts.diary import content_digest, record_digest
from contracts.journal import (
    AbsenceEntry,
    AbsenceReasonSet,
    AttendanceTaken,
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
from services.exporter.domain.docs import Doc, Folded
from services.exporter.domain.fold import evolve
from services.exporter.domain.pseudonym import Pseudonymiser
from services.exporter.domain.records import published, to_record
from services.exporter.domain.stored_docs import dump_state, load_state

S, Y, C = "s1", 2026, "5a"
PSEUDO = Pseudonymiser(b"k" * 32)
LESSON = subjects.lesson(Y, S, C, "l1")
REASON = "исправление по служебной записке № 12"


def folded(events: list[Event]) -> Folded:
    """The lesson scheduled, then `events`: its state as folded."""
    doc: Folded | None = None
    for seq, event in enumerate(
        [
            LessonScheduled(
                lesson_id="l1",
                class_id=C,
                subject_id="math",
                date=dt.date(2026, 9, 7),
                slot=1,
                teacher_id="t1",
            ),
            *events,
        ],
        start=1,
    ):
        doc = evolve(doc, event, subject=LESSON, seq=seq)
    assert doc is not None
    return doc


def shown(state: Folded) -> Doc:
    """What the lesson's record says: exactly the record, never a reason."""
    doc = published(state, PSEUDO.of)
    record = to_record(doc, "b1", 0)
    assert record.content() == doc.content  # the document is exactly the record
    assert record_digest(record) == content_digest(doc.content)
    assert REASON not in json.dumps(doc.content, ensure_ascii=False)
    return doc


def fold(events: list[Event]) -> Doc:
    return shown(folded(events))


def entry(mark_id: str, pupil: str = "p01", value: str = "4") -> MarkEntry:
    return MarkEntry(
        mark_id=mark_id, pupil_id=pupil, value=value, work_kind_id="oral", weight=Decimal(1)
    )


def flags(doc: Doc) -> dict[str, bool]:
    return {m["mark_id"]: m["corrected_after_close"] for m in doc.content["marks"]}


def test_an_ordinary_lesson_and_its_marks_are_not_flagged():
    doc = fold([LessonHeld(), MarkRecorded(mark=entry("m1")), TopicSet(topic="Дроби")])
    assert doc.content["corrected_after_close"] is False
    assert flags(doc) == {"m1": False}


def test_a_mark_recorded_as_a_correction_flags_the_mark_and_the_lesson():
    doc = fold(
        [MarkRecorded(mark=entry("m1")), MarkRecorded(mark=entry("m2"), correction_reason=REASON)]
    )
    assert doc.content["corrected_after_close"] is True
    assert flags(doc) == {"m1": False, "m2": True}


def test_a_mark_recorded_again_as_a_correction_is_flagged_and_keeps_its_first_recording():
    # As the journal's `lesson_corrections`, which name every mark a correction lists.
    again = MarkRecorded(mark=entry("m1", value="2"), correction_reason=REASON)
    doc = fold([MarkRecorded(mark=entry("m1", value="5")), again])
    assert flags(doc) == {"m1": True}
    assert doc.content["marks"][0]["value"] == "5"


CORRECTED = MarkCorrected(
    mark_id="m1",
    value="5",
    work_kind_id="oral",
    weight=Decimal(1),
    reason="пересчитано",
    correction_reason=REASON,
)
"""m1 corrected after close."""


def test_a_mark_corrected_after_close_stays_flagged_after_an_ordinary_correction():
    corrected = CORRECTED
    again = corrected.model_copy(update={"value": "3", "correction_reason": None})
    doc = fold([MarkRecorded(mark=entry("m1")), corrected, again])
    assert flags(doc) == {"m1": True}
    assert doc.content["marks"][0]["value"] == "3"
    assert doc.content["marks"][0]["corrected"] is True
    assert "пересчитано" not in json.dumps(doc.content, ensure_ascii=False)


def test_a_whole_class_save_as_a_correction_flags_its_marks_only():
    doc = fold(
        [
            MarkRecorded(mark=entry("m1")),
            LessonEntriesSaved(
                held=True,
                marks=(entry("m2"), entry("m3", "p02")),
                correction_reason=REASON,
            ),
        ]
    )
    assert flags(doc) == {"m1": False, "m2": True, "m3": True}
    assert doc.content["corrected_after_close"] is True


def test_a_correction_that_changes_nothing_else_exported_still_flags_the_lesson():
    """As the journal: a correction row exists, so the diary check expects the flag."""
    cancelled_then_corrected = fold(
        [
            MarkRecorded(mark=entry("m1")),
            MarkCancelled(mark_id="m1", reason="ошибка", correction_reason=REASON),
        ]
    )
    assert cancelled_then_corrected.content["corrected_after_close"] is True
    assert cancelled_then_corrected.content["marks"] == []
    reason_of_nobody = fold(
        [AbsenceReasonSet(pupil_id="p09", reason="valid", correction_reason=REASON)]
    )
    assert reason_of_nobody.content["corrected_after_close"] is True
    assert reason_of_nobody.content["absences"] == []


def test_attendance_corrected_flags_the_lesson_and_keeps_the_marks_unflagged():
    doc = fold(
        [
            MarkRecorded(mark=entry("m1")),
            AttendanceTaken(
                absences=(AbsenceEntry(pupil_id="p02", kind="absent"),), correction_reason=REASON
            ),
        ]
    )
    assert doc.content["corrected_after_close"] is True
    assert flags(doc) == {"m1": False}


def test_the_flag_once_set_stays_and_a_repeated_correction_is_not_a_change():
    state = folded([TopicSet(topic="Дроби", correction_reason=REASON)])
    first = shown(state)
    assert first.content["corrected_after_close"] is True
    later = fold(
        [
            TopicSet(topic="Дроби", correction_reason=REASON),
            TeacherSubstituted(substitute_id="t2", reason="болеет"),
            LessonHeld(),
        ]
    )
    assert later.content["corrected_after_close"] is True
    # A second correction of something not exported changes nothing: the record keeps its seq.
    same = evolve(
        state,
        AbsenceReasonSet(pupil_id="p09", reason="valid", correction_reason=REASON),
        subject=LESSON,
        seq=state.seq + 1,
    )
    assert same is not None
    assert shown(same) == first


def test_the_flags_are_stored_with_the_lesson():
    """The stored form (jsonb) reads back as the same state, flags included."""
    state = folded([MarkRecorded(mark=entry("m1")), CORRECTED])
    stored = load_state(state.kind, dump_state(state.kind, state.state))
    assert stored == state.state
    doc = shown(Folded(state.kind, state.record_id, state.seq, stored))
    assert doc.content["corrected_after_close"] is True
    assert doc.content["marks"][0]["corrected_after_close"] is True
