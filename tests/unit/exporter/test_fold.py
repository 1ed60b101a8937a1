"""The exporter's fold, event kind by event kind, and what it never lets out."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from contracts import journal as j
from contracts import subjects
from contracts.base import Event
from contracts.diary import content_digest, record_digest
from services.exporter.domain.docs import ROLL, Doc, Folded
from services.exporter.domain.fold import evolve, evolve_docs
from services.exporter.domain.pseudonym import Pseudonymiser
from services.exporter.domain.records import published, to_record
from tests.support.fold_givens import lesson_scheduled
from tests.support.fold_givens import mark as given_mark

S, Y, C = "s1", 2026, "5a"
KEY = b"k" * 32
PSEUDO = Pseudonymiser(KEY)
LESSON = subjects.lesson(Y, S, C, "l1")
CLASS = subjects.school_class(Y, S, C)
SCHOOL = subjects.school_config(Y, S)
SECRET_TEXTS = ("Болел гриппом", "Ошибка ввода", "Учитель болен", "Экскурсия", "Переезд")
SHEET = j.Attachment(
    attachment_id="a1", name="sheet.pdf", size=10, media_type="application/pdf", sha256="a" * 64
)


def fold(history: list[tuple[str, Event]], start: Folded | None = None) -> Folded | None:
    doc = start
    for seq, (subject, event) in enumerate(history, start=1):
        doc = evolve(doc, event, subject=subject, seq=seq)
    return doc


def valid(doc: Folded | None) -> Doc:
    """What the document's record says (pupils by `PSEUDO`): it validates as its contract
    model, and its content is that model's."""
    assert doc is not None
    shown = published(doc, PSEUDO.of)
    record = to_record(shown, "b1", 0)
    assert record.content() == shown.content
    assert record_digest(record) == content_digest(shown.content)
    return shown


def scheduled(teacher: str = "t1") -> tuple[str, Event]:
    return LESSON, lesson_scheduled("l1", C, day=dt.date(2026, 9, 7), slot=1, teacher=teacher)


def mark(mark_id: str, pupil: str, value: str = "5", comment: str | None = None) -> j.MarkEntry:
    return given_mark(mark_id, pupil, value, "1.5", comment)


def on(event: Event) -> tuple[str, Event]:
    return LESSON, event


def test_a_scheduled_lesson_is_exported_with_its_teacher_of_record():
    doc = valid(fold([scheduled()]))
    assert doc.kind == "lesson"
    assert doc.record_id == "l1"
    assert doc.seq == 1
    assert doc.content["status"] == "scheduled"
    assert doc.content["teacher_id"] == "t1"
    assert doc.content["date"] == "2026-09-07"


def test_a_substitute_becomes_the_teacher_of_record_without_the_reason():
    doc = valid(fold([scheduled(), on(j.TeacherSubstituted(substitute_id="t2", reason="Болеет"))]))
    assert doc.content["teacher_id"] == "t2"
    assert "Болеет" not in json.dumps(doc.content, ensure_ascii=False)


def test_held_and_cancelled_set_the_status_and_the_reason_stays_home():
    held = valid(fold([scheduled(), on(j.LessonHeld())]))
    assert held.content["status"] == "held"
    cancelled = valid(fold([scheduled(), on(j.LessonCancelled(reason="Экскурсия"))]))
    assert cancelled.content["status"] == "cancelled"
    assert "Экскурсия" not in json.dumps(cancelled.content, ensure_ascii=False)


def test_topic_homework_and_attachments():
    doc = valid(
        fold(
            [
                scheduled(),
                on(j.TopicSet(topic="Дроби")),
                on(j.HomeworkSet(text="№ 12", due_on=dt.date(2026, 9, 9))),
                on(j.HomeworkAttachmentAdded(attachment=SHEET)),
                on(j.TopicSet(topic="Дроби и проценты")),
            ]
        )
    )
    assert doc.content["topic"] == "Дроби и проценты"
    assert doc.content["homework"] == "№ 12"
    assert doc.content["homework_due_on"] == "2026-09-09"
    assert doc.content["files"] == [SHEET.model_dump(mode="json")]


def test_marks_corrected_and_cancelled():
    doc = valid(
        fold(
            [
                scheduled(),
                on(j.MarkRecorded(mark=mark("m1", "p01", "3"))),
                on(j.MarkRecorded(mark=mark("m2", "p02", "4"))),
                on(j.MarkRecorded(mark=mark("m3", "p03", "5"))),
                on(
                    j.MarkCorrected(
                        mark_id="m1",
                        value="4",
                        work_kind_id="test",
                        weight=Decimal(2),
                        reason="Ошибка ввода",
                    )
                ),
                on(j.MarkCancelled(mark_id="m2", reason="Ошибка ввода")),
                on(
                    j.MarkCorrected(
                        mark_id="m2", value="5", work_kind_id="oral", weight=1, reason="x"
                    )
                ),
            ]
        )
    )
    marks = {m["mark_id"]: m for m in doc.content["marks"]}
    assert list(marks) == ["m1", "m3"]  # the cancelled mark is gone, later edits do not revive it
    assert marks["m1"]["value"] == "4"
    assert marks["m1"]["work_kind_id"] == "test"
    assert marks["m1"]["weight"] == "2"
    assert marks["m1"]["corrected"] is True
    assert marks["m3"]["corrected"] is False
    assert marks["m1"]["pupil"] == PSEUDO.of("p01")
    assert "Ошибка" not in json.dumps(doc.content, ensure_ascii=False)


def test_attendance_replaces_the_observation_keeping_reasons_of_pupils_still_absent():
    absent = j.AbsenceEntry(pupil_id="p01", kind="absent")
    late = j.AbsenceEntry(pupil_id="p02", kind="late", minutes_late=10)
    other = j.AbsenceEntry(pupil_id="p03", kind="absent")
    doc = valid(
        fold(
            [
                scheduled(),
                on(j.AttendanceTaken(absences=(absent, late, other))),
                on(j.AbsenceReasonSet(pupil_id="p01", reason="illness", evidence="Болел гриппом")),
                on(j.AbsenceReasonSet(pupil_id="p03", reason="valid")),
                on(j.AttendanceTaken(absences=(absent, late))),  # p03 came after all
                on(j.AbsenceReasonSet(pupil_id="p09", reason="valid")),  # not absent: ignored
            ]
        )
    )
    absences = {a["pupil"]: a for a in doc.content["absences"]}
    assert set(absences) == {PSEUDO.of("p01"), PSEUDO.of("p02")}
    first = absences[PSEUDO.of("p01")]
    assert (first["reason"], first["letter"]) == ("illness", "Б")
    second = absences[PSEUDO.of("p02")]
    assert (second["reason"], second["letter"], second["minutes_late"]) == ("unknown", "ОП", 10)
    assert "Болел" not in json.dumps(doc.content, ensure_ascii=False)


def test_a_late_reason_changes_the_letter():
    doc = valid(
        fold(
            [
                scheduled(),
                on(j.AttendanceTaken(absences=(j.AbsenceEntry(pupil_id="p01", kind="absent"),))),
                on(j.AbsenceReasonSet(pupil_id="p01", reason="unexcused")),
            ]
        )
    )
    assert doc.content["absences"][0]["letter"] == "П"


def test_lesson_entries_saved_carries_everything_at_once():
    saved = j.LessonEntriesSaved(
        held=True,
        topic="Дроби",
        homework=j.HomeworkSet(text="№ 1"),
        marks=(mark("m1", "p01"), mark("m2", "p02", "4", comment="молодец")),
        attendance=(j.AbsenceEntry(pupil_id="p03", kind="absent"),),
    )
    doc = valid(fold([scheduled(), on(saved)]))
    assert doc.content["status"] == "held"
    assert doc.content["topic"] == "Дроби"
    assert doc.content["homework"] == "№ 1"
    assert doc.content["homework_due_on"] is None
    assert [m["mark_id"] for m in doc.content["marks"]] == ["m1", "m2"]
    assert doc.content["absences"][0]["letter"] == "Н"


def test_lesson_entries_not_held_keep_the_status_and_what_they_do_not_carry():
    first = j.LessonEntriesSaved(held=True, topic="Дроби", attendance=())
    second = j.LessonEntriesSaved(held=False, marks=(mark("m1", "p01"),))
    doc = valid(fold([scheduled(), on(j.LessonCancelled(reason="x")), on(first), on(second)]))
    assert doc.content["status"] == "held"
    assert doc.content["topic"] == "Дроби"
    assert len(doc.content["marks"]) == 1


def test_events_before_scheduling_and_seen_events_change_nothing():
    assert fold([on(j.LessonHeld())]) is None
    doc = fold([scheduled()])
    assert evolve(doc, j.LessonHeld(), subject=LESSON, seq=1) is doc


EXCELLENT = j.ScaleValue(value="5", numeric=5, label="отлично")
ORAL = j.WorkKind(work_kind_id="oral", name="Устный", weight=Decimal("1.5"))
SEPT_30 = dt.date(2026, 9, 30)


def test_school_configuration():
    periods = (
        j.Period(
            period_id="q1",
            name="1 четверть",
            starts_on=dt.date(2026, 9, 1),
            ends_on=dt.date(2026, 10, 26),
        ),
    )
    doc = valid(
        fold(
            [
                (
                    SCHOOL,
                    j.SchoolYearOpened(
                        school_name="Школа № 1",
                        starts_on=dt.date(2026, 9, 1),
                        ends_on=dt.date(2027, 5, 31),
                        periods=periods,
                    ),
                ),
                (
                    SCHOOL,
                    j.MarkScaleConfigured(
                        scale_id="five",
                        values=(j.ScaleValue(value="5", numeric=5, label="отлично"),),
                    ),
                ),
                (
                    SCHOOL,
                    j.WorkKindsConfigured(
                        kinds=(
                            j.WorkKind(work_kind_id="oral", name="Устный", weight=Decimal("1.5")),
                        )
                    ),
                ),
                (SCHOOL, j.SubjectDefined(subject_id="math", name="Математика")),
                (SCHOOL, j.SubjectDefined(subject_id="rus", name="Русский")),
                (SCHOOL, j.SubjectDefined(subject_id="math", name="Алгебра")),
            ]
        )
    )
    assert doc.kind == "school"
    assert doc.record_id == S
    assert doc.content["starts_on"] == "2026-09-01"
    assert doc.content["subjects"] == [
        {"subject_id": "math", "name": "Алгебра"},
        {"subject_id": "rus", "name": "Русский"},
    ]
    assert doc.content["work_kinds"][0]["weight"] == "1.5"
    assert "Школа № 1" not in json.dumps(doc.content, ensure_ascii=False)


def test_class_membership_teaching_and_class_teacher():
    doc = valid(
        fold(
            [
                (CLASS, j.ClassOpened(class_id=C, grade=5, label="5А", class_teacher_id="t1")),
                (CLASS, j.PupilJoinedClass(pupil_id="p01", since=dt.date(2026, 9, 1))),
                (CLASS, j.PupilJoinedClass(pupil_id="p02", since=dt.date(2026, 9, 1))),
                (
                    CLASS,
                    j.PupilLeftClass(
                        pupil_id="p02", last_day=dt.date(2026, 9, 30), reason="Переезд"
                    ),
                ),
                (CLASS, j.PupilJoinedClass(pupil_id="p02", since=dt.date(2026, 11, 1))),
                (CLASS, j.TeachingAssigned(teacher_id="t2", subject_id="math")),
                (CLASS, j.TeachingAssigned(teacher_id="t1", subject_id="rus", group="g1")),
                (CLASS, j.TeachingUnassigned(teacher_id="t2", subject_id="math")),
                (CLASS, j.ClassTeacherAssigned(class_teacher_id="t3")),
                (CLASS, j.TimetableSet(effective_from=dt.date(2026, 9, 1), slots=())),
            ]
        )
    )
    assert doc.kind == "class"
    assert doc.seq == 9  # the timetable is not exported: it changed nothing
    assert doc.content["class_teacher_id"] == "t3"
    p2 = PSEUDO.of("p02")
    assert doc.content["members"] == [
        {"pupil": PSEUDO.of("p01"), "since": "2026-09-01", "last_day": None},
        {"pupil": p2, "since": "2026-09-01", "last_day": "2026-09-30"},
        {"pupil": p2, "since": "2026-11-01", "last_day": None},
    ]
    assert doc.content["teaching"] == [{"teacher_id": "t1", "subject_id": "rus", "group": "g1"}]
    assert "Переезд" not in json.dumps(doc.content, ensure_ascii=False)


@pytest.mark.parametrize(
    ("subject", "event"),
    [
        (
            subjects.staff_member(Y, S, "t1"),
            j.StaffMemberRegistered(staff_id="t1", full_name="Иванова Анна", position="учитель"),
        ),
        (
            subjects.pupil(Y, S, "p01"),
            j.PupilRegistered(
                pupil_id="p01", full_name="Петров Пётр", birth_date=dt.date(2015, 1, 1)
            ),
        ),
    ],
)
def test_people_are_never_exported(subject, event):
    assert fold([(subject, event)]) is None
    # Nor published at all: a member of staff enters the staff roll (kept on the school side)
    # and reaches the directory only once they teach (`test_fold_staff.py`).
    changed = evolve_docs({}, event, subject=subject, seq=1)
    assert {doc.kind for doc in changed.values()} <= {ROLL}


def test_pseudonyms_are_keyed_stable_and_shaped():
    one = Pseudonymiser(KEY)
    assert one.of("p01") == Pseudonymiser(KEY).of("p01")
    assert one.of("p01") != Pseudonymiser(b"x" * 32).of("p01")
    assert one.of("p01").startswith("p")
    assert len(one.of("p01")) == 33
    with pytest.raises(ValueError, match="at least 32 bytes"):
        Pseudonymiser(b"short")
