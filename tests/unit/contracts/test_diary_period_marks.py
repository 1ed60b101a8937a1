"""The new DIARY record of period marks and the flags of corrections after close: registered,
additive (old bodies still validate), and their digests depend on what they say only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from contracts import subjects
from contracts.diary import (
    DIARY_EVENTS,
    DiaryPeriodMark,
    LessonRecord,
    PeriodMarksRecord,
    batch_checksum,
    record_digest,
)
from contracts.registry import DIARY_REGISTRY

PUPIL = "p" + "0" * 32


def record(batch: str = "b1", index: int = 0, seq: int = 5, **marks: object) -> PeriodMarksRecord:
    mark = {"pupil": PUPIL, "period_id": "q1", "value": "5", "average": Decimal("4.25"), **marks}
    return PeriodMarksRecord(
        batch_id=batch,
        index=index,
        seq=seq,
        class_id="5a",
        subject_id="math",
        marks=(DiaryPeriodMark.model_validate(mark),),
    )


def test_the_record_is_registered_and_named_by_class_and_subject():
    assert PeriodMarksRecord in DIARY_EVENTS
    assert DIARY_REGISTRY.model("diary.PeriodMarksRecord") is PeriodMarksRecord
    one = record()
    assert (one.record_kind, one.record_id) == ("period-marks", "5a--math")
    assert subjects.diary_record(2026, "s1", one.record_kind, one.record_id) == (
        "dry.2026.s1.period-marks.5a--math"
    )


def test_the_digest_is_what_the_record_says_whatever_batch_it_travelled_in():
    assert record_digest(record()) == record_digest(record("b2", 7, 5))
    assert record_digest(record()) != record_digest(record(corrected_after_close=True))
    assert batch_checksum([record()]) != batch_checksum([record(corrected_after_close=True)])
    assert record().content()["marks"][0] == {
        "pupil": PUPIL,
        "period_id": "q1",
        "value": "5",
        "average": "4.25",
        "corrected_after_close": False,
    }


def test_no_inputs_names_or_reasons_fit_in_a_period_mark():
    with pytest.raises(ValidationError):
        record(correction_reason="исправление")
    with pytest.raises(ValidationError):
        record(average=Decimal("4.333"))


def test_the_flags_are_additive_a_lesson_body_without_them_still_validates():
    body = {
        "batch_id": "b1",
        "index": 0,
        "seq": 3,
        "lesson_id": "l1",
        "class_id": "5a",
        "subject_id": "math",
        "date": "2026-09-07",
        "slot": 1,
        "teacher_id": "t1",
        "status": "held",
        "marks": [
            {
                "mark_id": "m1",
                "pupil": PUPIL,
                "value": "5",
                "work_kind_id": "oral",
                "weight": "1",
            }
        ],
    }
    lesson = LessonRecord.model_validate(body)
    assert lesson.corrected_after_close is False
    assert lesson.marks[0].corrected_after_close is False
