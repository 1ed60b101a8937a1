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


class SchoolYearNotOpen(NotFound):
    """The school year has not been opened."""


class AssignmentNotFound(NotFound):
    """No such teaching assignment in the class."""


# --- forbidden
class NotLessonTeacher(Forbidden):
    """Only the lesson's teacher of record may record this."""


class RoleNotAllowed(Forbidden):
    """The actor's role does not allow this command."""


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


class InvalidScale(Invalid):
    """The mark scale is not usable."""


class TimetableClash(Invalid):
    """Two lessons of one class (or one teacher) share a slot."""


class InvalidWorkKinds(Invalid):
    """The kinds of work are not usable (none, or an id twice)."""


class ReasonRequired(Invalid):
    """A correction, cancellation or substitution needs a reason."""


class InvalidAttendance(Invalid):
    """An attendance entry does not make sense (minutes late for an absent pupil)."""
