"""The exporter publishes what the journal's rules (the kernel's) say, where its own rules used
to disagree with them: each case here was published differently before."""

from __future__ import annotations

import datetime as dt

from contracts.journal import (
    AbsenceEntry,
    AttendanceTaken,
    ClassOpened,
    HomeworkAttachmentAdded,
    LessonEntriesSaved,
    MarkRecorded,
    PupilJoinedClass,
    PupilLeftClass,
)
from services.exporter.domain.fold import evolve
from tests.unit.exporter.test_fold import (
    CLASS,
    LESSON,
    PSEUDO,
    SHEET,
    C,
    fold,
    mark,
    on,
    scheduled,
    valid,
)

SEPT_1, OCT_1 = dt.date(2026, 9, 1), dt.date(2026, 10, 1)
OPENED = (CLASS, ClassOpened(class_id=C, grade=5, label="5А", class_teacher_id="t1"))


def test_a_mark_id_recorded_again_keeps_its_first_recording_and_changes_nothing():
    first = fold([scheduled(), on(MarkRecorded(mark=mark("m1", "p01", "5")))])
    again = MarkRecorded(mark=mark("m1", "p02", "2"))

    after = evolve(first, again, subject=LESSON, seq=3)
    assert valid(after) == valid(first)  # the same record, and its seq stays


def test_a_mark_id_listed_twice_in_one_save_keeps_the_first():
    save = LessonEntriesSaved(marks=(mark("m1", "p01", "4"), mark("m1", "p02", "2")))

    doc = valid(fold([scheduled(), on(save)]))

    assert [(m["value"], m["pupil"]) for m in doc.content["marks"]] == [("4", PSEUDO.of("p01"))]


def test_an_attachment_added_twice_is_listed_once():
    added = on(HomeworkAttachmentAdded(attachment=SHEET))

    doc = valid(fold([scheduled(), added, added]))

    assert doc.content["files"] == [SHEET.model_dump(mode="json")]
    assert doc.seq == 2  # the second changed nothing


def test_a_lesson_scheduled_again_stays_as_first_scheduled():
    doc = valid(fold([scheduled("t1"), scheduled("t2")]))

    assert (doc.content["teacher_id"], doc.seq) == ("t1", 1)


def test_minutes_late_are_published_only_for_a_lateness():
    absent = AbsenceEntry(pupil_id="p01", kind="absent", minutes_late=15)

    doc = valid(fold([scheduled(), on(AttendanceTaken(absences=(absent,)))]))

    assert doc.content["absences"][0]["minutes_late"] is None


def test_a_pupil_joining_twice_on_the_same_day_has_one_interval():
    joined = (CLASS, PupilJoinedClass(pupil_id="p01", since=SEPT_1))

    doc = valid(fold([OPENED, joined, joined]))

    assert doc.content["members"] == [
        {"pupil": PSEUDO.of("p01"), "since": "2026-09-01", "last_day": None}
    ]
    assert doc.seq == 2


def test_leaving_closes_only_the_latest_interval_begun_by_the_last_day():
    history = [
        OPENED,
        (CLASS, PupilJoinedClass(pupil_id="p01", since=SEPT_1)),
        (CLASS, PupilJoinedClass(pupil_id="p01", since=OCT_1)),
        (CLASS, PupilLeftClass(pupil_id="p01", last_day=dt.date(2026, 10, 31), reason="Переезд")),
    ]

    doc = valid(fold(history))

    assert [(m["since"], m["last_day"]) for m in doc.content["members"]] == [
        ("2026-09-01", None),
        ("2026-10-01", "2026-10-31"),
    ]


def test_leaving_before_every_interval_began_changes_nothing():
    history = [OPENED, (CLASS, PupilJoinedClass(pupil_id="p01", since=OCT_1))]
    joined = fold(history)
    left = PupilLeftClass(pupil_id="p01", last_day=dt.date(2026, 9, 30), reason="Переезд")

    after = evolve(joined, left, subject=CLASS, seq=3)
    assert valid(after) == valid(joined)  # the same record, and its seq stays
