"""What each enrollment event changes: history rules of applications, links and staff UIDs.

Fields: `application/<id>/<field>` (pupil, uid, relation, applicant, kinship, contact,
checked_by, status) and `staff_uid/<uid>/<field>` (staff, status). Reasons: rejection,
withdrawal (with who asked) and departure reasons, and a staff UID's revocation reason.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from contracts import enrollment as enr
from services.audit.domain.decoding import decoded
from services.audit.domain.history import Assignment, Effect, FieldKey
from services.audit.domain.log import LoggedEvent

State = Mapping[FieldKey, str | None]


def application_field(application_id: str, name: str) -> FieldKey:
    """A field of one application (and of the link its approval made)."""
    return FieldKey("application", application_id, name)


def staff_uid_field(uid: int, name: str) -> FieldKey:
    """A field of one staff member's portal UID."""
    return FieldKey("staff_uid", str(uid), name)


def _pupil_of(subject: str) -> str | None:
    """`enr.<school>.pupil.<pupil_id>` names the pupil; other subjects none."""
    parts = subject.split(".")
    return parts[3] if len(parts) == 4 and parts[2] == "pupil" else None


def enrollment_rules(event: LoggedEvent, state: State) -> Effect:
    """The effect of one enrollment event."""
    model = decoded(event)
    pupil = _pupil_of(event.subject)
    match model:
        case enr.ApplicationSubmitted():
            return Effect(tuple(_submitted(model, pupil)))
        case enr.PassportChecked():
            field = application_field(model.application_id, "checked_by")
            return Effect((Assignment(field, model.checked_by, pupil),))
        case enr.StaffUidRecorded() | enr.StaffUidRevoked():
            return _staff_uid(model)
        case _:
            return _decision(model, pupil)


def _status(application_id: str, value: str, pupil: str | None) -> Assignment:
    return Assignment(application_field(application_id, "status"), value, pupil)


def _decision(model: object, pupil: str | None) -> Effect:
    """Approval, rejection, withdrawal and departure: a new status, and why."""
    match model:
        case enr.ApplicationApproved():
            return Effect((_status(model.application_id, "approved (linked)", pupil),))
        case enr.ApplicationRejected():
            return Effect((_status(model.application_id, "rejected", pupil),), (model.reason,))
        case enr.LinkWithdrawn():
            why = f"{model.reason} (requested by {model.requested_by})"
            return Effect((_status(model.application_id, "withdrawn", pupil),), (why,))
        case enr.PupilDeparted():
            ended = tuple(_status(a, "ended: pupil departed", pupil) for a in model.ended)
            return Effect(ended, (model.reason,))
        case _:
            return Effect()


def _staff_uid(model: enr.StaffUidRecorded | enr.StaffUidRevoked) -> Effect:
    if isinstance(model, enr.StaffUidRecorded):
        staff = Assignment(staff_uid_field(model.uid, "staff"), model.staff_id)
        return Effect((staff, Assignment(staff_uid_field(model.uid, "status"), "recorded")))
    revoked = Assignment(staff_uid_field(model.uid, "status"), "revoked")
    return Effect((revoked,), (model.reason,))


def _submitted(event: enr.ApplicationSubmitted, pupil: str | None) -> Iterator[Assignment]:
    app = event.application_id
    yield Assignment(application_field(app, "pupil"), event.pupil_id, pupil)
    yield Assignment(application_field(app, "uid"), str(event.uid), pupil)
    yield Assignment(application_field(app, "relation"), event.relation, pupil)
    yield Assignment(application_field(app, "applicant"), event.applicant_name, pupil)
    yield Assignment(application_field(app, "kinship"), event.kinship, pupil)
    yield Assignment(application_field(app, "contact"), event.contact, pupil)
    yield Assignment(application_field(app, "status"), "submitted", pupil)


def concerns_application(event: LoggedEvent, application_id: str) -> bool:
    """Whether an enrollment event is about `application_id` (a departure ends it too)."""
    data = event.data
    if data.get("application_id") == application_id:
        return True
    return event.event_type == enr.PupilDeparted.event_type and application_id in data.get(
        "ended", ()
    )
