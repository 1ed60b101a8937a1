"""The journal view's folds: every event type, idempotence and independence of unrelated keys."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from contracts.base import Event
from contracts.journal import (
    AbsenceEntry,
    AbsenceReasonSet,
    Attachment,
    AttendanceTaken,
    ClassOpened,
    ClassTeacherAssigned,
    HomeworkAttachmentAdded,
    HomeworkSet,
    LessonCancelled,
    LessonEntriesSaved,
    LessonHeld,
    MarkCancelled,
    MarkCorrected,
    MarkRecorded,
    Period,
    PupilJoinedClass,
    PupilLeftClass,
    PupilRegistered,
    SchoolYearOpened,
    StaffMemberRegistered,
    SubjectDefined,
    TeacherSubstituted,
    TeachingAssigned,
    TeachingUnassigned,
    TimetableSet,
    TopicSet,
    WorkKind,
    WorkKindsConfigured,
)
from kernel import (
    Assignment,
    Membership,
    ViewState,
    project,
    touched,
)
from services.journal.domain.projection.diff import changes
from tests.support.fold_givens import DAY, SCALE, SCHOOL, T0, YEAR, facts, mark, scheduled

SHA = "0" * 64


def lesson_after(*events: Event, actor: str = "t1") -> ViewState:
    return project(
        ViewState(),
        facts(("s1", SCALE), scheduled(), *(("l1", e) for e in events), actor=actor),
    )


class TestSchoolRows:
    def test_school_year_scale_and_work_kinds_fill_one_config_row(self):
        period = Period(period_id="q1", name="I", starts_on=DAY, ends_on=dt.date(2026, 10, 31))
        kinds = (WorkKind(work_kind_id="test", name="Test", weight=Decimal(2)),)
        opened = SchoolYearOpened(
            school_name="School 1", starts_on=DAY, ends_on=dt.date(2027, 5, 31), periods=(period,)
        )
        state = project(
            ViewState(),
            facts(("s1", SCALE), ("s1", opened), ("s1", WorkKindsConfigured(kinds=kinds))),
        )
        config = state.configs[SCHOOL, YEAR]
        assert (config.school_name, config.periods, config.work_kinds) == (
            "School 1",
            (period,),
            kinds,
        )
        assert config.scale["5"] == 5
        assert config.scale["н/а"] is None
        assert config.last_seq == 3

    def test_subject_staff_and_pupil_are_registered_and_renamed(self):
        state = project(
            ViewState(),
            facts(
                ("s1", SubjectDefined(subject_id="math", name="Maths")),
                ("s1", SubjectDefined(subject_id="math", name="Mathematics")),
                ("t1", StaffMemberRegistered(staff_id="t1", full_name="Ann", position="teacher")),
                ("p1", PupilRegistered(pupil_id="p1", full_name="Bob", birth_date=DAY)),
            ),
        )
        assert state.subjects[SCHOOL, YEAR, "math"].name == "Mathematics"
        assert state.staff[SCHOOL, YEAR, "t1"].full_name == "Ann"
        assert state.pupils[SCHOOL, YEAR, "p1"].birth_date == DAY


class TestClass:
    def opened(self) -> tuple[str, Event]:
        return "c1", ClassOpened(class_id="c1", grade=5, label="5A", class_teacher_id="t1")

    def test_class_events_before_opening_leave_nothing(self):
        state = project(ViewState(), facts(("c1", ClassTeacherAssigned(class_teacher_id="t2"))))
        assert state.classes == {}

    def test_class_teacher_assignments_and_timetable(self):
        state = project(
            ViewState(),
            facts(
                self.opened(),
                ("c1", ClassTeacherAssigned(class_teacher_id="t2")),
                ("c1", TeachingAssigned(teacher_id="t3", subject_id="math")),
                ("c1", TeachingAssigned(teacher_id="t4", subject_id="math", group="g1")),
                ("c1", TeachingUnassigned(teacher_id="t3", subject_id="math")),
                ("c1", TimetableSet(effective_from=DAY, slots=())),
            ),
        )
        doc = state.classes[SCHOOL, YEAR, "c1"]
        assert doc.row.class_teacher_id == "t2"
        assert doc.assignments == {Assignment("t4", "math", "g1")}
        assert doc.row.last_seq == 6

    def test_a_pupil_who_leaves_and_rejoins_has_two_intervals(self):
        oct1, nov1 = dt.date(2026, 10, 1), dt.date(2026, 11, 1)
        state = project(
            ViewState(),
            facts(
                self.opened(),
                ("c1", PupilJoinedClass(pupil_id="p1", since=DAY)),
                ("c1", PupilLeftClass(pupil_id="p1", last_day=oct1, reason="moved")),
                ("c1", PupilJoinedClass(pupil_id="p1", since=nov1)),
            ),
        )
        assert state.classes[SCHOOL, YEAR, "c1"].memberships == {
            Membership("p1", DAY, oct1),
            Membership("p1", nov1, None),
        }


class TestLesson:
    def test_scheduled_lesson_has_its_teacher_of_record(self):
        row = lesson_after().lessons[SCHOOL, YEAR, "l1"].row
        assert (row.status, row.teacher_id, row.timetabled_teacher_id) == ("scheduled", "t1", "t1")
        assert row.first_entry_at is None

    def test_events_of_an_unknown_lesson_are_no_ops(self):
        state = project(ViewState(), facts(("l9", LessonHeld()), ("l9", TopicSet(topic="x"))))
        assert state.lessons == {}

    def test_substitution_held_topic_homework_and_attachments(self):
        attachment = Attachment(
            attachment_id="a1", name="f.pdf", size=3, media_type="application/pdf", sha256=SHA
        )
        row = (
            lesson_after(
                TeacherSubstituted(substitute_id="t2", reason="ill"),
                LessonHeld(),
                TopicSet(topic="Fractions"),
                HomeworkSet(text="p. 12", due_on=DAY),
                HomeworkAttachmentAdded(attachment=attachment),
                HomeworkAttachmentAdded(attachment=attachment),
            )
            .lessons[SCHOOL, YEAR, "l1"]
            .row
        )
        assert (row.teacher_id, row.substituted, row.status) == ("t2", True, "held")
        assert (row.topic, row.homework_text, row.homework_due) == ("Fractions", "p. 12", DAY)
        assert row.attachments == (attachment,)
        assert row.first_entry_at == T0 + dt.timedelta(minutes=4)
        assert row.last_entry_at == T0 + dt.timedelta(minutes=8)

    def test_cancelled_lesson_keeps_its_reason(self):
        row = lesson_after(LessonCancelled(reason="trip")).lessons[SCHOOL, YEAR, "l1"].row
        assert (row.status, row.cancel_reason, row.first_entry_at) == ("cancelled", "trip", None)


class TestMarks:
    def test_recorded_mark_takes_its_number_from_the_scale(self):
        doc = lesson_after(
            MarkRecorded(mark=mark("m1")), MarkRecorded(mark=mark("m2", value="н/а"))
        ).lessons[SCHOOL, YEAR, "l1"]
        assert doc.marks["m1"].numeric == 5
        assert doc.marks["m2"].numeric is None
        assert (doc.marks["m1"].class_id, doc.marks["m1"].date) == ("c1", DAY)

    def test_correction_and_cancellation_are_flagged_and_keep_the_reason(self):
        corrected = MarkCorrected(
            mark_id="m1", value="4", work_kind_id="test", weight=Decimal(2), reason="typo"
        )
        marks = (
            lesson_after(
                MarkRecorded(mark=mark("m1")),
                MarkRecorded(mark=mark("m2")),
                corrected,
                MarkCancelled(mark_id="m2", reason="wrong pupil"),
                MarkCancelled(mark_id="m9", reason="unknown mark"),
            )
            .lessons[SCHOOL, YEAR, "l1"]
            .marks
        )
        assert (marks["m1"].value, marks["m1"].numeric, marks["m1"].corrected) == ("4", 4, True)
        assert (marks["m1"].weight, marks["m1"].last_reason) == (Decimal(2), "typo")
        assert (marks["m2"].cancelled, marks["m2"].last_reason) == (True, "wrong pupil")
        assert set(marks) == {"m1", "m2"}

    def test_a_mark_id_recorded_twice_keeps_the_first_record(self):
        marks = (
            lesson_after(MarkRecorded(mark=mark("m1")), MarkRecorded(mark=mark("m1", value="2")))
            .lessons[SCHOOL, YEAR, "l1"]
            .marks
        )
        assert marks["m1"].value == "5"


class TestAttendance:
    def test_reason_set_later_keeps_the_observer(self):
        taken = AttendanceTaken(absences=(AbsenceEntry(pupil_id="p1", kind="absent"),))
        state = project(
            lesson_after(taken),
            facts(("l1", AbsenceReasonSet(pupil_id="p1", reason="illness")), start=9, actor="ct"),
        )
        doc = state.lessons[SCHOOL, YEAR, "l1"]
        absence = doc.absences["p1"]
        assert (absence.observed_by, absence.reason_set_by) == ("t1", "ct")
        assert (absence.reason, absence.letter) == ("illness", "Б")
        assert doc.row.attendance_taken
        assert doc.row.last_entry_at == T0 + dt.timedelta(minutes=3)  # a reason is not an entry

    def test_new_observation_drops_present_pupils_and_keeps_reasons_of_absent_ones(self):
        p1, p2 = (AbsenceEntry(pupil_id=p, kind="absent") for p in ("p1", "p2"))
        absences = (
            lesson_after(
                AttendanceTaken(absences=(p1, p2)),
                AbsenceReasonSet(pupil_id="p1", reason="valid", evidence="note"),
                AttendanceTaken(
                    absences=(p1, AbsenceEntry(pupil_id="p3", kind="late", minutes_late=5))
                ),
                AbsenceReasonSet(pupil_id="p2", reason="illness"),
            )
            .lessons[SCHOOL, YEAR, "l1"]
            .absences
        )
        assert set(absences) == {"p1", "p3"}
        assert (absences["p1"].reason, absences["p1"].evidence, absences["p1"].letter) == (
            "valid",
            "note",
            "У",
        )
        assert (absences["p3"].letter, absences["p3"].minutes_late) == ("ОП", 5)

    def test_entries_saved_at_once(self):
        saved = LessonEntriesSaved(
            topic="Decimals",
            homework=HomeworkSet(text="ex. 3"),
            marks=(mark("m1"), mark("m2", pupil="p2", value="3")),
            attendance=(AbsenceEntry(pupil_id="p3", kind="absent"),),
        )
        doc = lesson_after(saved).lessons[SCHOOL, YEAR, "l1"]
        assert (doc.row.status, doc.row.topic, doc.row.homework_text) == (
            "held",
            "Decimals",
            "ex. 3",
        )
        assert doc.row.attendance_taken
        assert set(doc.marks) == {"m1", "m2"}
        assert doc.absences["p3"].letter == "Н"


class TestBatchPlumbing:
    def test_touched_names_rows_and_the_school_config_of_lessons(self):
        keys = touched(facts(scheduled(), ("c1", PupilJoinedClass(pupil_id="p1", since=DAY))))
        assert keys.lessons == {(SCHOOL, YEAR, "l1")}
        assert keys.classes == {(SCHOOL, YEAR, "c1")}
        assert keys.configs == {(SCHOOL, YEAR)}

    def test_changes_list_only_what_a_batch_changed(self):
        before = lesson_after(MarkRecorded(mark=mark("m1")))
        after = project(before, facts(("l1", MarkRecorded(mark=mark("m2"))), start=4))
        diff = changes(before, after)
        assert [m.mark_id for m in diff.marks.new] == ["m2"]
        assert diff.marks.changed == []
        assert [row.lesson_id for row in diff.lessons.changed] == ["l1"]
        assert diff.absences.rows == {}
        assert changes(after, after).lessons.changed == []

    def test_changes_clear_only_stored_sets(self):
        p1 = AbsenceEntry(pupil_id="p1", kind="absent")
        fresh = changes(ViewState(), lesson_after(AttendanceTaken(absences=(p1,))))
        assert (fresh.absences.cleared, list(fresh.absences.rows)) == ([], [(SCHOOL, YEAR, "l1")])
        before = lesson_after(AttendanceTaken(absences=(p1,)))
        after = project(before, facts(("l1", AttendanceTaken(absences=())), start=9))
        diff = changes(before, after)
        assert diff.absences.cleared == [(SCHOOL, YEAR, "l1")]
        assert diff.absences.rows == {(SCHOOL, YEAR, "l1"): []}
