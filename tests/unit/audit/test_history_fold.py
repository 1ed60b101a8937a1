"""The history fold: before -> after of each field, reasons, and what a question keeps."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.base import Event
from contracts.diary import AccessGranted, AccessRevoked, ClassScope
from contracts.enrollment import (
    ApplicationApproved,
    ApplicationSubmitted,
    LinkWithdrawn,
    PupilDeparted,
    StaffUidRecorded,
)
from contracts.journal import (
    AbsenceEntry,
    AbsenceReasonSet,
    AttendanceTaken,
    HomeworkAttachmentAdded,
    HomeworkSet,
    LessonCancelled,
    LessonEntriesSaved,
    LessonHeld,
    MarkCancelled,
    MarkCorrected,
    MarkEntry,
    MarkRecorded,
    PupilRegistered,
    StaffMemberRegistered,
    TeacherSubstituted,
    TopicSet,
)
from kernel import Fact, ViewState, project
from services.audit.domain.enrollment_changes import concerns_application, enrollment_rules
from services.audit.domain.grant_changes import causes, grant_rules
from services.audit.domain.history import FieldKey, fold, within
from services.audit.domain.lesson_changes import fold_lesson
from services.audit.domain.log import LoggedEvent
from services.audit.domain.names import names_of
from services.audit.domain.present import rows
from tests.support.fold_givens import lesson_scheduled
from tests.unit.audit.log_rows import event_row

T0 = dt.datetime(2026, 9, 7, 9, 0, tzinfo=dt.UTC)
LESSON_SUBJECT = "jrn.2026.s1.5a.lesson.l1"
STREAM_OF = {"jrn": "JOURNAL", "enr": "ENROLLMENT", "dry": "DIARY"}


def logged(
    events: list[Event], subject: str = LESSON_SUBJECT, actor: str = "t1"
) -> list[LoggedEvent]:
    """The events as the event log would hand them back, one minute apart."""
    return [
        event_row(
            e,
            stream=STREAM_OF[subject[:3]],
            seq=i,
            subject=subject,
            occurred_at=T0 + dt.timedelta(minutes=i),
            recorded_at=T0 + dt.timedelta(minutes=i, seconds=5),
            actor_id=actor,
        )
        for i, e in enumerate(events, start=1)
    ]


def mark(mark_id: str, pupil: str, value: str) -> MarkEntry:
    return MarkEntry(
        mark_id=mark_id, pupil_id=pupil, value=value, work_kind_id="cw", weight=Decimal(1)
    )


def corrected(mark_id: str, value: str, reason: str = "опечатка") -> MarkCorrected:
    return MarkCorrected(
        mark_id=mark_id, value=value, work_kind_id="cw", weight=Decimal(1), reason=reason
    )


SCHEDULED = lesson_scheduled("l1", "5a", day=dt.date(2026, 9, 7), slot=1)


def changed(entry, name: str) -> tuple[str | None, str | None]:
    change = next(c for c in entry.changes if c.key.name == name)
    return change.before, change.after


def test_a_correction_shows_the_old_and_new_value_and_its_reason():
    history = fold_lesson(
        logged([SCHEDULED, MarkRecorded(mark=mark("m1", "p1", "4")), corrected("m1", "5")])
    )

    last = history.entries[-1]
    assert changed(last, "value") == ("4", "5")
    assert changed(last, "status") == ("recorded", "corrected")
    assert last.reasons == ("опечатка",)
    assert {c.pupil_id for c in last.changes} == {"p1"}
    assert [c.key.name for c in last.changes] == ["value", "status"]  # the rest did not change


def test_a_cancelled_mark_keeps_its_value_and_says_why():
    events = [SCHEDULED, MarkRecorded(mark=mark("m1", "p1", "2"))]
    events.append(MarkCancelled(mark_id="m1", reason="не тот ученик"))

    last = fold_lesson(logged(events)).entries[-1]

    assert [(c.key, c.before, c.after) for c in last.changes] == [
        (FieldKey("mark", "m1", "status"), "recorded", "cancelled")
    ]
    assert last.reasons == ("не тот ученик",)


def test_a_new_observation_makes_pupils_not_listed_present_again():
    events = [
        SCHEDULED,
        AttendanceTaken(absences=(AbsenceEntry(pupil_id="p1", kind="late", minutes_late=10),)),
        AbsenceReasonSet(pupil_id="p1", reason="valid"),
        AttendanceTaken(absences=(AbsenceEntry(pupil_id="p2", kind="absent"),)),
    ]

    entries = fold_lesson(logged(events)).entries

    last = {(c.key.target_id, c.key.name): (c.before, c.after) for c in entries[-1].changes}
    assert last[("p1", "kind")] == ("late", None)
    assert last[("p1", "minutes_late")] == ("10", None)
    assert last[("p1", "reason")] == ("valid", None)
    assert last[("p2", "kind")] == (None, "absent")
    assert last[("p2", "reason")] == (None, "unknown")


def test_a_reason_for_a_pupil_who_was_not_absent_changes_nothing():
    events = [SCHEDULED, AbsenceReasonSet(pupil_id="p1", reason="illness")]

    assert fold_lesson(logged(events)).entries[-1].changes == ()


def test_a_whole_class_save_changes_several_fields_at_once():
    save = LessonEntriesSaved(
        topic="Дроби",
        homework=HomeworkSet(text="№ 5"),
        marks=(mark("m1", "p1", "5"), mark("m2", "p2", "4")),
        attendance=(AbsenceEntry(pupil_id="p3", kind="absent"),),
    )

    entry = fold_lesson(logged([SCHEDULED, save])).entries[-1]

    targets = {(c.key.target, c.key.target_id) for c in entry.changes}
    assert targets == {("lesson", ""), ("mark", "m1"), ("mark", "m2"), ("absence", "p3")}
    assert changed(entry, "status") == ("scheduled", "held")


def test_a_correction_after_the_period_closed_gives_its_reason_too():
    late = TopicSet.model_validate({"topic": "Дроби", "correction_reason": "приказ № 5"})

    entry = fold_lesson(logged([SCHEDULED, late])).entries[-1]

    assert entry.reasons == ("исправление после закрытия периода: приказ № 5",)


def test_substitution_and_cancellation_give_their_reasons():
    events = [
        SCHEDULED,
        TeacherSubstituted(substitute_id="t2", reason="болезнь"),
        LessonCancelled(reason="карантин"),
    ]

    substituted, cancelled = fold_lesson(logged(events)).entries[1:]

    assert changed(substituted, "teacher") == ("t1", "t2")
    assert substituted.reasons == ("болезнь",)
    assert changed(cancelled, "status") == ("scheduled", "cancelled")
    assert cancelled.reasons == ("карантин",)


def test_about_a_pupil_keeps_only_their_changes_and_within_keeps_a_time_range():
    events = [
        SCHEDULED,
        MarkRecorded(mark=mark("m1", "p1", "5")),
        MarkRecorded(mark=mark("m2", "p2", "3")),
    ]
    entries = fold_lesson(logged(events)).entries

    assert [e.about("p2").changes != () for e in entries] == [False, False, True]
    kept = within(entries, entries[1].recorded_at, entries[2].recorded_at)
    assert [e.seq for e in kept] == [2]


def test_rows_show_ids_with_the_names_of_the_roster():
    roster = logged(
        [
            StaffMemberRegistered(staff_id="t1", full_name="Иванова А. П.", position="учитель"),
            PupilRegistered(pupil_id="p1", full_name="Петров Пётр", birth_date=dt.date(2015, 1, 1)),
        ],
        subject="jrn.2026.s1.school.staff.t1",
    )
    names = names_of(roster)
    entries = fold_lesson(logged([SCHEDULED, MarkRecorded(mark=mark("m1", "p1", "5"))]))

    lines = rows(entries.entries, names)

    assert lines[0].actor == "t1 (Иванова А. П.)"
    assert {r.after for r in lines if r.field == "учитель"} == {"t1 (Иванова А. П.)"}
    assert {r.target for r in lines if r.seq == 2} == {"отметка m1 — p1 (Петров Пётр)"}


def test_an_application_goes_from_submitted_to_approved_to_ended_by_departure():
    events = [
        ApplicationSubmitted(
            application_id="a1", pupil_id="p1", uid=7, relation="parent", applicant_name="Мать"
        ),
        ApplicationApproved(application_id="a1", uid=7, relation="parent"),
        ApplicationSubmitted(
            application_id="a2", pupil_id="p1", uid=8, relation="pupil", applicant_name="Сам"
        ),
        PupilDeparted(last_day=dt.date(2026, 12, 1), reason="переезд", ended=("a1",)),
    ]
    log = logged(events, subject="enr.s1.pupil.p1")
    mine = [e for e in log if concerns_application(e, "a1")]

    entries = fold(mine, enrollment_rules).entries

    assert [changed(e, "status") for e in entries] == [
        (None, "submitted"),
        ("submitted", "approved (linked)"),
        ("approved (linked)", "ended: pupil departed"),
    ]
    assert entries[-1].reasons == ("переезд",)
    assert entries[0].changes[0].pupil_id == "p1"


def test_a_grant_is_caused_by_the_latest_enrollment_event_that_can_cause_it():
    scope = ClassScope(class_id="5a", subject_id="math")
    grant_log = logged(
        [
            AccessGranted(grant_id="g1", uid=7, scope=scope),
            AccessRevoked(grant_id="g1", uid=7, reason="link-withdrawn"),
        ],
        subject="dry.2026.s1.grant.7",
    )
    enrollment = logged(
        [
            StaffUidRecorded(staff_id="t1", uid=7),
            LinkWithdrawn(application_id="a1", uid=7, requested_by="parent", reason="r"),
        ],
        subject="enr.s1.staff.t1",
    )
    # Each grant event is recorded at the same moment as the enrollment event beside it.
    entries = fold(grant_log, grant_rules).entries
    found = causes(entries, enrollment)

    assert changed(entries[0], "scope") == (None, "class 5a, math")
    assert entries[1].reasons == ("link-withdrawn",)
    assert found[1].event_type == "enrollment.StaffUidRecorded"
    assert found[2].event_type == "enrollment.LinkWithdrawn"


# ------------------------------------------------------------------ properties

PUPILS = ("p1", "p2", "p3")
MARK_IDS = ("m1", "m2", "m3")
VALUES = ("2", "3", "4", "5")

absences = st.lists(
    st.builds(
        AbsenceEntry, pupil_id=st.sampled_from(PUPILS), kind=st.sampled_from(["absent", "late"])
    ),
    max_size=3,
    unique_by=lambda a: a.pupil_id,
).map(tuple)
lesson_events = st.one_of(
    st.builds(TopicSet, topic=st.sampled_from(["a", "b", "c"])),
    st.builds(
        lambda m, p, v: MarkRecorded(mark=mark(m, p, v)),
        st.sampled_from(MARK_IDS),
        st.sampled_from(PUPILS),
        st.sampled_from(VALUES),
    ),
    st.builds(corrected, st.sampled_from(MARK_IDS), st.sampled_from(VALUES)),
    st.builds(MarkCancelled, mark_id=st.sampled_from(MARK_IDS), reason=st.just("r")),
    st.builds(AttendanceTaken, absences=absences),
    st.builds(
        AbsenceReasonSet,
        pupil_id=st.sampled_from(PUPILS),
        reason=st.sampled_from(["illness", "valid", "unexcused"]),
    ),
    st.builds(
        LessonEntriesSaved,
        topic=st.sampled_from([None, "d"]),
        attendance=st.one_of(st.none(), absences),
    ),
    st.just(LessonHeld()),
    st.builds(
        HomeworkAttachmentAdded,
        attachment=st.fixed_dictionaries(
            {
                "attachment_id": st.just("f1"),
                "name": st.sampled_from(["a.pdf", "b.pdf"]),
                "size": st.just(1),
                "media_type": st.just("application/pdf"),
                "sha256": st.just("0" * 64),
            }
        ),
    ),
)
histories = st.lists(lesson_events, max_size=25).map(lambda tail: [SCHEDULED, *tail])


@settings(max_examples=200, deadline=None)
@given(histories)
def test_the_after_of_each_change_is_the_before_of_the_next_change_of_that_field(events):
    folded = fold_lesson(logged(events))

    last: dict[FieldKey, str | None] = {}
    for entry in folded.entries:
        for change in entry.changes:
            assert change.before == last.get(change.key)
            assert change.before != change.after
            last[change.key] = change.after
    assert last == dict(folded.fields)


@settings(max_examples=200, deadline=None)
@given(histories)
def test_the_fold_ends_where_the_journal_view_does(events):
    folded = fold_lesson(logged(events)).fields
    facts = [
        Fact(e.seq, "s1", 2026, "l1", "t1", e.recorded_at, event)
        for e, event in zip(logged(events), events, strict=True)
    ]
    journal = project(ViewState(), facts).lessons[("s1", 2026, "l1")]

    marks = {k.target_id for k in folded if k.target == "mark" and k.name == "pupil"}
    assert marks == set(journal.marks)
    for mark_id, row in journal.marks.items():
        assert folded[FieldKey("mark", mark_id, "value")] == row.value
        assert folded[FieldKey("mark", mark_id, "pupil")] == row.pupil_id
        cancelled = folded[FieldKey("mark", mark_id, "status")] == "cancelled"
        assert cancelled == row.cancelled
    absent = {
        k.target_id: v
        for k, v in folded.items()
        if k.target == "absence" and k.name == "kind" and v
    }
    assert absent == {p: a.kind for p, a in journal.absences.items()}
    reasons = {
        k.target_id: v
        for k, v in folded.items()
        if k.target == "absence" and k.name == "reason" and v
    }
    assert reasons == {p: a.reason for p, a in journal.absences.items()}
    assert folded.get(FieldKey("lesson", "", "topic")) == journal.row.topic
    files = folded.get(FieldKey("lesson", "", "homework_files"))
    assert files == ("; ".join(a.name for a in journal.row.attachments) or None)
