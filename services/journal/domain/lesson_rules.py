"""The rules a lesson command must pass; `lesson_decider.decide` dispatches here.

Each function checks one command and returns its one event, or raises a DomainError.
"""

from __future__ import annotations

from contracts.envelope import Actor
from contracts.journal import (
    AbsenceReasonSet,
    AttendanceTaken,
    HomeworkAttachmentAdded,
    HomeworkSet,
    LessonCancelled,
    LessonHeld,
    LessonScheduled,
    MarkRecorded,
    TeacherSubstituted,
    TopicSet,
)
from kernel.lessons import EntryEvent, attachment_is_new
from services.journal.domain import lesson_entries as entries
from services.journal.domain.commands import (
    AddHomeworkAttachment,
    CancelLesson,
    CancelMark,
    CorrectMark,
    EntryCommand,
    MarkLessonHeld,
    RecordMark,
    SaveLessonEntries,
    ScheduleLesson,
    SetAbsenceReason,
    SetHomework,
    SetTopic,
    SubstituteTeacher,
    TakeAttendance,
)
from services.journal.domain.errors import (
    AlreadyExists,
    ClassNotFound,
    DateOutsideSchoolYear,
    DayOffLesson,
    LessonAlreadyHeld,
    LessonInFuture,
    LessonIsCancelled,
    NothingToChange,
    NotLessonTeacher,
    PupilNotAbsent,
    RoleNotAllowed,
    TeacherNotAssigned,
    UnknownSubject,
)
from services.journal.domain.klass import is_assigned
from services.journal.domain.lesson import LessonState
from services.journal.domain.lesson_entries import Context
from services.journal.domain.school import require_admin, within_year

SUPERVISORS = frozenset({"admin", "deputy"})


def schedule(cmd: ScheduleLesson, state: LessonState, ctx: Context) -> LessonScheduled:
    """Put a lesson on the calendar of a class."""
    require_admin(ctx.actor, "scheduling lessons")
    if state.scheduled:
        msg = f"lesson '{state.lesson_id}' is already scheduled"
        raise AlreadyExists(msg)
    if not ctx.klass.opened or ctx.klass.class_id != cmd.class_id:
        msg = f"class '{cmd.class_id}' has not been opened"
        raise ClassNotFound(msg)
    if cmd.subject_id not in ctx.school.subjects:
        msg = f"subject '{cmd.subject_id}' is not defined by the school"
        raise UnknownSubject(msg)
    if not within_year(ctx.school, cmd.date):
        msg = f"lesson date {cmd.date} is outside the school year"
        raise DateOutsideSchoolYear(msg)
    day_off = ctx.school.plan.day_off(cmd.date)
    if day_off is not None:
        msg = f"{cmd.date} is a day off ({day_off.name}): no lessons are scheduled on it"
        raise DayOffLesson(msg)
    if not is_assigned(ctx.klass, cmd.teacher_id, cmd.subject_id, cmd.group):
        msg = f"'{cmd.teacher_id}' does not teach '{cmd.subject_id}' (group {cmd.group}) here"
        raise TeacherNotAssigned(msg)
    return LessonScheduled(
        lesson_id=cmd.lesson_id,
        class_id=cmd.class_id,
        subject_id=cmd.subject_id,
        date=cmd.date,
        slot=cmd.slot,
        teacher_id=cmd.teacher_id,
        group=cmd.group,
    )


def substitute(cmd: SubstituteTeacher, state: LessonState, actor: Actor) -> TeacherSubstituted:
    """Hand the lesson to another teacher, who becomes its teacher of record."""
    if actor.role not in SUPERVISORS:
        msg = f"substitutions are for the administrator or deputy; '{actor.id}' is {actor.role}"
        raise RoleNotAllowed(msg)
    _require_not_cancelled(state)
    entries.require_reason(cmd.reason, "a substitution")
    if cmd.substitute_id == state.teacher_of_record_id:
        msg = f"'{cmd.substitute_id}' is already the teacher of record of '{state.lesson_id}'"
        raise NothingToChange(msg)
    return TeacherSubstituted(substitute_id=cmd.substitute_id, reason=cmd.reason)


def cancel(cmd: CancelLesson, state: LessonState, actor: Actor) -> LessonCancelled:
    """Record that the lesson did not take place."""
    if actor.role == "teacher":
        _require_teacher_of_record(state, actor)
    elif actor.role not in SUPERVISORS:
        msg = f"cancelling a lesson is not for the role {actor.role} ('{actor.id}')"
        raise RoleNotAllowed(msg)
    if state.status == "cancelled":
        msg = f"lesson '{state.lesson_id}' is already cancelled"
        raise NothingToChange(msg)
    if state.status == "held":
        msg = f"lesson '{state.lesson_id}' was held and cannot be cancelled"
        raise LessonAlreadyHeld(msg)
    entries.require_reason(cmd.reason, "cancelling a lesson")
    return LessonCancelled(reason=cmd.reason)


def absence_reason(cmd: SetAbsenceReason, state: LessonState, ctx: Context) -> AbsenceReasonSet:
    """Give the reason of an absence or lateness: the teacher of record or the class teacher."""
    actor, klass = ctx.actor, ctx.klass
    class_teacher = klass.class_teacher_id if klass.class_id == state.class_id else None
    if ctx.correction is None and (
        actor.role != "teacher" or actor.id not in (state.teacher_of_record_id, class_teacher)
    ):
        msg = (
            f"only the teacher of record '{state.teacher_of_record_id}' or the class teacher "
            f"'{class_teacher}' may give absence reasons; '{actor.id}' ({actor.role}) may not"
        )
        raise NotLessonTeacher(msg)
    _require_not_cancelled(state)
    absence = state.absences.get(cmd.pupil_id)
    if absence is None:
        msg = f"pupil '{cmd.pupil_id}' was not recorded absent or late at '{state.lesson_id}'"
        raise PupilNotAbsent(msg)
    if (absence.reason, absence.evidence) == (cmd.reason, cmd.evidence):
        msg = f"the absence of '{cmd.pupil_id}' already has reason '{cmd.reason}'"
        raise NothingToChange(msg)
    return AbsenceReasonSet(pupil_id=cmd.pupil_id, reason=cmd.reason, evidence=cmd.evidence)


def enter(cmd: EntryCommand, state: LessonState, ctx: Context) -> EntryEvent:
    """What the teacher of record enters on the lesson page (not on a cancelled lesson); a
    correction of a closed period comes from the administration instead (see `closing`)."""
    if ctx.correction is None:
        _require_teacher_of_record(state, ctx.actor)
    _require_not_cancelled(state)
    if _needs_the_day(cmd) and state.date > ctx.today:
        msg = f"lesson '{state.lesson_id}' is on {state.date}; today is {ctx.today}"
        raise LessonInFuture(msg)
    match cmd:
        case MarkLessonHeld() | SetTopic() | SetHomework() | AddHomeworkAttachment():
            return _notes(cmd, state)
        case RecordMark():
            return MarkRecorded(mark=entries.new_mark(cmd.mark, state, ctx, taken=()))
        case CorrectMark():
            return entries.correct(cmd, state, ctx)
        case CancelMark():
            return entries.cancel_mark(cmd, state)
        case TakeAttendance():
            return AttendanceTaken(absences=entries.attendance(cmd.absences, state, ctx))
        case SaveLessonEntries():
            return entries.save(cmd, state, ctx)
        case _:
            raise TypeError(f"not a lesson entry: {cmd!r}")


def _notes(
    cmd: MarkLessonHeld | SetTopic | SetHomework | AddHomeworkAttachment, state: LessonState
) -> LessonHeld | TopicSet | HomeworkSet | HomeworkAttachmentAdded:
    match cmd:
        case MarkLessonHeld():
            if state.status == "held":
                msg = f"lesson '{state.lesson_id}' is already marked as held"
                raise NothingToChange(msg)
            return LessonHeld()
        case SetTopic():
            return TopicSet(topic=cmd.topic)
        case SetHomework():
            return HomeworkSet(text=cmd.text, due_on=cmd.due_on)
        case AddHomeworkAttachment():
            files = () if state.homework is None else state.homework.attachments
            listed = (a.attachment_id for a in files)
            if not attachment_is_new(cmd.attachment.attachment_id, listed):
                msg = f"attachment '{cmd.attachment.attachment_id}' is already on the homework"
                raise AlreadyExists(msg)
            return HomeworkAttachmentAdded(attachment=cmd.attachment)


def _needs_the_day(cmd: EntryCommand) -> bool:
    """Topic and homework may be entered in advance; the rest waits for the lesson's day."""
    if isinstance(cmd, SaveLessonEntries):
        return cmd.held or bool(cmd.marks) or cmd.attendance is not None
    return isinstance(cmd, MarkLessonHeld | RecordMark | CorrectMark | CancelMark | TakeAttendance)


def _require_teacher_of_record(state: LessonState, actor: Actor) -> None:
    if actor.role != "teacher" or actor.id != state.teacher_of_record_id:
        msg = (
            f"only the teacher of record '{state.teacher_of_record_id}' may do this on lesson "
            f"'{state.lesson_id}'; '{actor.id}' ({actor.role}) may not"
        )
        raise NotLessonTeacher(msg)


def _require_not_cancelled(state: LessonState) -> None:
    if state.status == "cancelled":
        msg = f"lesson '{state.lesson_id}' was cancelled ({state.cancel_reason})"
        raise LessonIsCancelled(msg)
