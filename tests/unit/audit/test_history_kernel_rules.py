"""A lesson's history follows the journal's rules (the kernel's), where the history's own rules
used to disagree with them: each case here answered differently before."""

from __future__ import annotations

import datetime as dt

from contracts.journal import (
    AbsenceEntry,
    Attachment,
    AttendanceTaken,
    HomeworkAttachmentAdded,
    LessonEntriesSaved,
    LessonScheduled,
    MarkRecorded,
    TopicSet,
)
from services.audit.domain.history import FieldKey
from services.audit.domain.lesson_changes import fold_lesson
from tests.unit.audit.test_history_fold import SCHEDULED, logged, mark


def fields(events) -> dict[FieldKey, str | None]:
    return dict(fold_lesson(logged(events)).fields)


def test_a_mark_id_recorded_again_keeps_its_first_recording():
    events = [
        SCHEDULED,
        MarkRecorded(mark=mark("m1", "p1", "5")),
        MarkRecorded(mark=mark("m1", "p2", "2")),
    ]

    history = fold_lesson(logged(events))

    assert history.entries[-1].changes == ()
    assert history.fields[FieldKey("mark", "m1", "value")] == "5"
    assert history.fields[FieldKey("mark", "m1", "pupil")] == "p1"


def test_a_mark_id_listed_twice_in_one_save_keeps_the_first():
    save = LessonEntriesSaved(marks=(mark("m1", "p1", "4"), mark("m1", "p2", "2")))

    entry = fold_lesson(logged([SCHEDULED, save])).entries[-1]

    values = [(c.key.name, c.after) for c in entry.changes if c.key.target == "mark"]
    assert ("value", "4") in values
    assert ("value", "2") not in values
    assert {c.pupil_id for c in entry.changes if c.key.target == "mark"} == {"p1"}


def test_an_attachment_added_twice_is_listed_once():
    sheet = Attachment(
        attachment_id="a1", name="sheet.pdf", size=1, media_type="application/pdf", sha256="a" * 64
    )
    events = [SCHEDULED, HomeworkAttachmentAdded(attachment=sheet)]
    events.append(HomeworkAttachmentAdded(attachment=sheet))

    history = fold_lesson(logged(events))

    assert history.entries[-1].changes == ()
    assert history.fields[FieldKey("lesson", "", "homework_files")] == "sheet.pdf"


def test_a_lesson_scheduled_again_stays_as_first_scheduled():
    moved = SCHEDULED.model_copy(update={"date": dt.date(2026, 9, 8), "slot": 3})
    events = [SCHEDULED, TopicSet(topic="Дроби"), moved]

    history = fold_lesson(logged(events))

    assert history.entries[-1].changes == ()
    assert history.fields[FieldKey("lesson", "", "date")] == "2026-09-07"
    assert history.fields[FieldKey("lesson", "", "status")] == "scheduled"


def test_events_before_the_lesson_is_scheduled_change_nothing():
    early: list[LessonScheduled | TopicSet] = [TopicSet(topic="Дроби"), SCHEDULED]

    entries = fold_lesson(logged(early)).entries

    assert entries[0].changes == ()
    assert FieldKey("lesson", "", "topic") not in {c.key for c in entries[1].changes}


def test_minutes_late_count_only_for_a_lateness():
    absent = AbsenceEntry(pupil_id="p1", kind="absent", minutes_late=15)

    history = fields([SCHEDULED, AttendanceTaken(absences=(absent,))])

    assert history[FieldKey("absence", "p1", "kind")] == "absent"
    assert history.get(FieldKey("absence", "p1", "minutes_late")) is None
