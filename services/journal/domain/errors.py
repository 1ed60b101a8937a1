"""Domain errors. The class name is the machine-readable reason; the category picks the status."""

from __future__ import annotations


class DomainError(Exception):
    """A command the journal refuses; the message says why in words a teacher understands."""


class NotFound(DomainError):
    """The command names something that does not exist."""


class Forbidden(DomainError):
    """The actor may not do this."""


class Conflict(DomainError):
    """The command contradicts the current state."""


class Invalid(DomainError):
    """The command's content breaks a rule of the school."""


# --- not found
class LessonNotFound(NotFound):
    """No such lesson."""


class MarkNotFound(NotFound):
    """No such mark on the lesson."""


class ClassNotFound(NotFound):
    """No such class in the school year."""


class NoTimetableDraft(NotFound):
    """The class has no proposed timetable to confirm."""


class SchoolYearNotOpen(NotFound):
    """The school year has not been opened."""


class AssignmentNotFound(NotFound):
    """No such teaching assignment in the class."""


class PeriodNotFound(NotFound):
    """No such period in the school year (nor year, exam or final)."""


# --- forbidden
class NotLessonTeacher(Forbidden):
    """Only the lesson's teacher of record may record this."""


class RoleNotAllowed(Forbidden):
    """The actor's role does not allow this command."""


class NotSubjectTeacher(Forbidden):
    """Only a teacher of the subject in the class sets its period marks."""


class CorrectionNotAllowed(Forbidden):
    """Only the administrator or the deputy director corrects a closed period."""


# --- conflicts
class AlreadyExists(Conflict):
    """The thing the command would create exists already."""


class LessonIsCancelled(Conflict):
    """The lesson was cancelled."""


class LessonAlreadyHeld(Conflict):
    """The lesson was marked as held."""


class MarkAlreadyCancelled(Conflict):
    """The mark was cancelled already."""


class NothingToChange(Conflict):
    """The command would change nothing."""


class PeriodClosed(Conflict):
    """The period is closed: its lessons and marks change only by a correction with a reason."""


class YearClosed(Conflict):
    """The school year is sealed: it changes only by a correction with a reason."""


class PeriodAlreadyClosed(Conflict):
    """The period was closed already."""


class PeriodNotClosed(Conflict):
    """The period is open, so it cannot be reopened (nor corrected)."""


# --- invalid content
class MarkNotOnScale(Invalid):
    """The mark is not a value of the school's scale."""


class UnknownWorkKind(Invalid):
    """The kind of work is not configured by the school."""


class UnknownSubject(Invalid):
    """The subject is not defined by the school."""


class PupilNotInClass(Invalid):
    """The pupil does not belong to the class on the lesson's date."""


class PupilAlreadyInClass(Invalid):
    """The pupil already belongs to the class then."""


class DuplicatePupil(Invalid):
    """The same pupil appears twice where once is allowed."""


class PupilNotAbsent(Invalid):
    """The pupil was not recorded absent or late at the lesson."""


class LessonInFuture(Invalid):
    """Marks, attendance and the held mark wait for the lesson's day."""


class DateOutsideSchoolYear(Invalid):
    """The date is not within the school year."""


class TeacherNotAssigned(Invalid):
    """The teacher does not teach this subject to this class."""


class InvalidPeriods(Invalid):
    """The periods overlap or leave the school year."""


class InvalidGrades(Invalid):
    """A grade is outside 1–11 or listed twice."""


class InvalidCalendar(Invalid):
    """A day off ends before it starts or leaves the school year."""


class DayOffLesson(Invalid):
    """The date is a holiday or a vacation: no lessons are scheduled on it."""


class NotMarkedSubject(Invalid):
    """The subject is not marked in the class's grade («безотметочное обучение»)."""


class PeriodsInUse(Conflict):
    """The periods of a grade cannot change once one of them is closed."""


class InvalidScale(Invalid):
    """The mark scale is not usable."""


class TimetableClash(Invalid):
    """Two lessons of one class (or one teacher) share a slot."""


class InvalidWorkKinds(Invalid):
    """The kinds of work are not usable (none, or an id twice)."""


class ReasonRequired(Invalid):
    """A correction, cancellation or substitution needs a reason."""


class InvalidGradingRules(Invalid):
    """The grading rules are not usable (unknown rounding, a minimum out of range)."""


class CorrectionNotNeeded(Invalid):
    """A correction reason was given for an edit of an open period."""


class InvalidAttendance(Invalid):
    """An attendance entry does not make sense (minutes late for an absent pupil)."""


# --- monthly check (services.journal.domain.monthly_check)
class CheckNotFound(NotFound):
    """No such monthly check."""


class RemarkNotFound(NotFound):
    """No such remark in the check."""


class NotRemarkTeacher(Forbidden):
    """Only the teacher a remark is addressed to marks it done."""


class CheckClosed(Conflict):
    """The check is closed: its remarks stay as they are."""


class RemarkNotAwaitingConfirmation(Conflict):
    """Only a resolved (or automatically fixed) remark is confirmed or reopened."""


class RemarkAlreadyResolved(Conflict):
    """The remark is resolved or confirmed already."""


class InvalidCheck(Invalid):
    """The check's month, scope or target is not usable."""


class InvalidRemark(Invalid):
    """The remark's subject, teacher or finding does not fit the check."""


# --- school-year rollover (services.journal.domain.rollover, rollover_outcome)
class PupilNotFound(NotFound):
    """No such pupil registered in the school year."""


class OutcomeAlreadyRecorded(Conflict):
    """The pupil's outcome of the year is recorded already: undo it first to change it."""


class NoOutcome(Conflict):
    """The pupil has no (current) outcome of the year."""


class DebtNotOpen(Conflict):
    """The pupil has no open academic debt in the subject."""


class InvalidOutcome(Invalid):
    """The outcome does not fit (debts without a conditional promotion, no class to join)."""
