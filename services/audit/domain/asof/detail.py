"""A lesson's detail as of a moment: the journal's answer (`kernel.answers.LessonDetail`).

Every mark recorded for the lesson, cancelled or not, by recording time; the absences by the
pupil's name; the pupils of the class on the lesson's date; names as recorded by the moment; the
corrections made after its period closed, with the marks and absences they changed flagged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kernel import AbsenceRow, LessonRow, MarkRow
from kernel.answers import (
    AbsenceDetail,
    Homework,
    LessonCorrection,
    LessonDetail,
    MarkDetail,
    PupilRef,
    StaffRef,
)
from kernel.closing import CorrectionRow
from services.audit.domain.asof.grid import marks_in_order, pupil_order, weight
from services.audit.domain.asof.state import JournalState


@dataclass(frozen=True, slots=True, kw_only=True)
class LessonDetailAsOf(LessonDetail):
    """Everything the journal held about one lesson at `at`; `last_seq` is the stream sequence
    of the last event it includes."""

    at: dt.datetime
    last_seq: int


def lesson_detail(state: JournalState, lesson_id: str, at: dt.datetime) -> LessonDetailAsOf | None:
    """The lesson as the state holds it; None when it was not scheduled yet."""
    doc = state.lesson(lesson_id)
    if doc is None:
        return None
    lesson = doc.row
    klass = state.klass(lesson.class_id)
    members = () if klass is None else klass.memberships
    pupils = sorted(
        {m.pupil_id for m in members if m.covers(lesson.date)},
        key=lambda p: pupil_order(state, p),
    )
    absences = sorted(doc.absences.values(), key=lambda a: pupil_order(state, a.pupil_id))
    corrections = state.corrections_of(lesson_id)
    # The reason of the last correction that changed each mark and each pupil's attendance.
    by_mark = {m: c.reason for c in corrections for m in c.mark_ids}
    by_pupil = {p: c.reason for c in corrections for p in c.pupil_ids}
    return LessonDetailAsOf(
        school=state.school,
        year=state.year,
        at=at,
        last_seq=state.last_seq,
        lesson_id=lesson.lesson_id,
        class_id=lesson.class_id,
        class_label=None if klass is None else klass.row.label,
        subject_id=lesson.subject_id,
        subject_name=state.subject_name(lesson.subject_id),
        date=lesson.date,
        slot=lesson.slot,
        group=lesson.grp,
        status=lesson.status,
        cancel_reason=lesson.cancel_reason,
        topic=lesson.topic,
        timetabled_teacher=_staff(state, lesson.timetabled_teacher_id),
        teacher=_staff(state, lesson.teacher_id),
        substituted=lesson.substituted,
        homework=_homework(lesson),
        attendance_taken=lesson.attendance_taken,
        first_entry_at=lesson.first_entry_at,
        last_entry_at=lesson.last_entry_at,
        marks=[_mark(state, m, by_mark.get(m.mark_id)) for m in marks_in_order(doc.marks.values())],
        absences=[_absence(state, a, by_pupil.get(a.pupil_id)) for a in absences],
        pupils=[PupilRef(p, state.pupil_name(p)) for p in pupils],
        corrections=[_correction(c) for c in corrections],
    )


def _staff(state: JournalState, staff_id: str) -> StaffRef:
    return StaffRef(staff_id, state.staff_name(staff_id))


def _correction(row: CorrectionRow) -> LessonCorrection:
    return LessonCorrection(
        row.seq,
        row.kind,
        row.reason,
        row.actor_id,
        row.recorded_at,
        [*row.mark_ids],
        [*row.pupil_ids],
    )


def _homework(lesson: LessonRow) -> Homework:
    return Homework(lesson.homework_text, lesson.homework_due, [*lesson.attachments])


def _mark(state: JournalState, mark: MarkRow, correction: str | None) -> MarkDetail:
    return MarkDetail(
        mark_id=mark.mark_id,
        pupil_id=mark.pupil_id,
        pupil_name=state.pupil_name(mark.pupil_id),
        value=mark.value,
        numeric=mark.numeric,
        work_kind_id=mark.work_kind_id,
        weight=weight(mark),
        comment=mark.comment,
        counts=mark.counts,
        cancelled=mark.cancelled,
        corrected=mark.corrected,
        last_reason=mark.last_reason,
        recorded_by=mark.recorded_by,
        recorded_at=mark.recorded_at,
        corrected_after_close=correction is not None,
        correction_reason=correction,
    )


def _absence(state: JournalState, absence: AbsenceRow, correction: str | None) -> AbsenceDetail:
    return AbsenceDetail(
        pupil_id=absence.pupil_id,
        pupil_name=state.pupil_name(absence.pupil_id),
        kind=absence.kind,
        minutes_late=absence.minutes_late,
        reason=absence.reason,
        evidence=absence.evidence,
        letter=absence.letter,
        observed_by=absence.observed_by,
        reason_set_by=absence.reason_set_by,
        corrected_after_close=correction is not None,
        correction_reason=correction,
    )
