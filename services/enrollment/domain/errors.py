"""Domain errors of the enrollment service.

Each error names its machine-readable `reason` (the HTTP edge puts it in the problem+json body);
its category (NotFound, Conflict, Invalid) picks the status. No HTTP in here.
"""

from __future__ import annotations

from typing import ClassVar


class DomainError(Exception):
    """A command the enrollment refuses; the message says why in words an administrator reads."""

    reason: ClassVar[str] = "domain_error"


class NotFound(DomainError):
    """The command names something that does not exist."""


class Conflict(DomainError):
    """The command contradicts the current state."""


class Invalid(DomainError):
    """The command's content breaks a rule, or names someone the roster does not know."""


# --- not found
class ApplicationNotFound(NotFound):
    """No such application for this pupil."""

    reason = "application_not_found"


class NoStaffUid(NotFound):
    """The member of staff has no UID recorded."""

    reason = "no_uid"


# --- conflicts
class DuplicateApplication(Conflict):
    """An open application for the same UID and pupil exists already."""

    reason = "duplicate_application"


class UidAlreadyLinked(Conflict):
    """The UID already holds a live link to this pupil."""

    reason = "uid_already_linked"


class PupilAccountLinked(Conflict):
    """Another UID is already (or about to be) the pupil's own account."""

    reason = "pupil_account_linked"


class NotChecked(Conflict):
    """An application is approved only after the applicant's passport was checked."""

    reason = "not_checked"


class AlreadyChecked(Conflict):
    """The passport check of this application is recorded already."""

    reason = "already_checked"


class AlreadyDecided(Conflict):
    """The application was approved or rejected already."""

    reason = "already_decided"


class LinkNotLive(Conflict):
    """The application's link is not live (never approved, or ended already)."""

    reason = "link_not_live"


class PupilHasDeparted(Conflict):
    """The pupil left the school: no new applications, checks or approvals."""

    reason = "pupil_departed"


class UidInUse(Conflict):
    """The UID is recorded for another member of staff."""

    reason = "uid_in_use"


class UidUnchanged(Conflict):
    """The member of staff holds this UID already."""

    reason = "uid_unchanged"


# --- invalid content
class UnknownPupil(Invalid):
    """The roster has no such pupil."""

    reason = "unknown_pupil"


class UnknownStaff(Invalid):
    """The roster has no such member of staff."""

    reason = "unknown_staff"


class KinshipRequired(Invalid):
    """A parent's application states the kinship (mother, father, guardian, ...)."""

    reason = "kinship_required"


class KinshipNotAllowed(Invalid):
    """A pupil applying for their own account has no kinship."""

    reason = "kinship_not_allowed"
