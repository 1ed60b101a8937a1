"""The portal access to one pupil's diary: applications, their check and decision, the links.

One aggregate per pupil (`enr.<school>.pupil.<pupil_id>`), so "an open application for this
UID", "a live link of this UID" and "the pupil has left" are checked against one consistent
state. An application goes submitted -> checked -> approved (the link is live) -> withdrawn or
ended (by the pupil's departure); or, while open, -> rejected.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

from contracts.base import Event
from contracts.enrollment import (
    ApplicationApproved,
    ApplicationRejected,
    ApplicationSubmitted,
    LinkWithdrawn,
    PassportChecked,
    PupilDeparted,
)
from services.enrollment.domain import errors
from services.enrollment.domain.commands import (
    ApproveApplication,
    Facts,
    PupilCommand,
    RecordDeparture,
    RecordPassportCheck,
    RejectApplication,
    SubmitApplication,
    WithdrawLink,
)

Status = Literal["submitted", "checked", "approved", "rejected", "withdrawn", "ended"]
OPEN: frozenset[str] = frozenset({"submitted", "checked"})
LIVE = "approved"


@dataclass(frozen=True, slots=True)
class Application:
    """One application and, once approved, its link."""

    application_id: str
    uid: int
    relation: Literal["parent", "pupil"]
    applicant_name: str
    kinship: str | None = None
    contact: str | None = None
    status: Status = "submitted"
    checked_by: str | None = None
    rejection_reason: str | None = None
    end_reason: str | None = None

    @property
    def open(self) -> bool:
        """Submitted or checked: still to be decided."""
        return self.status in OPEN

    @property
    def live(self) -> bool:
        """Approved and not ended: the UID sees the pupil's diary."""
        return self.status == LIVE


@dataclass(frozen=True, slots=True)
class PupilAccess:
    """Every application about the pupil (in submission order) and whether the pupil left."""

    applications: Mapping[str, Application] = field(default_factory=dict)
    departed: bool = False

    def live_links(self) -> tuple[Application, ...]:
        """The applications whose link is live, in submission order."""
        return tuple(a for a in self.applications.values() if a.live)


INITIAL = PupilAccess()


def decide(cmd: PupilCommand, state: PupilAccess, facts: Facts) -> list[Event]:
    """The one event a command records, or a `DomainError` saying why it is refused."""
    match cmd:
        case SubmitApplication():
            return [_submit(cmd, state, facts)]
        case RecordPassportCheck():
            return [_check(cmd, state, facts)]
        case ApproveApplication():
            return [_approve(cmd, state)]
        case RejectApplication():
            app = _application(state, cmd.application_id)
            if not app.open:
                raise errors.AlreadyDecided(f"application {app.application_id} is {app.status}")
            return [ApplicationRejected(application_id=app.application_id, reason=cmd.reason)]
        case WithdrawLink():
            return [_withdraw(cmd, state)]
        case RecordDeparture():
            return [_depart(cmd, state, facts)]
        case _:
            raise TypeError(f"not a pupil access command: {cmd!r}")


def _check(cmd: RecordPassportCheck, state: PupilAccess, facts: Facts) -> PassportChecked:
    _open_application(state, cmd.application_id, for_decision=False)
    if cmd.checked_by not in facts.known_staff:
        raise errors.UnknownStaff(f"no member of staff {cmd.checked_by!r} in the roster")
    return PassportChecked(application_id=cmd.application_id, checked_by=cmd.checked_by)


def _approve(cmd: ApproveApplication, state: PupilAccess) -> ApplicationApproved:
    app = _open_application(state, cmd.application_id, for_decision=True)
    if app.status != "checked":
        raise errors.NotChecked("record the passport check before approving")
    if any(other.live and other.uid == app.uid for other in state.applications.values()):
        raise errors.UidAlreadyLinked(f"UID {app.uid} is linked to this pupil already")
    return ApplicationApproved(
        application_id=app.application_id, uid=app.uid, relation=app.relation
    )


def _withdraw(cmd: WithdrawLink, state: PupilAccess) -> LinkWithdrawn:
    app = _application(state, cmd.application_id)
    if not app.live:
        msg = f"application {app.application_id} is {app.status}, its link is not live"
        raise errors.LinkNotLive(msg)
    return LinkWithdrawn(
        application_id=app.application_id,
        uid=app.uid,
        requested_by=cmd.requested_by,
        reason=cmd.reason,
    )


def _submit(cmd: SubmitApplication, state: PupilAccess, facts: Facts) -> ApplicationSubmitted:
    if state.departed:
        raise errors.PupilHasDeparted(f"pupil {cmd.pupil_id} has left the school")
    if not facts.pupil_known:
        raise errors.UnknownPupil(f"no pupil {cmd.pupil_id!r} in the roster")
    if cmd.relation == "parent" and cmd.kinship is None:
        raise errors.KinshipRequired("a parent's application states the kinship")
    if cmd.relation == "pupil" and cmd.kinship is not None:
        raise errors.KinshipNotAllowed("a pupil applying for their own account has no kinship")
    for app in state.applications.values():
        if app.uid == cmd.uid and app.live:
            raise errors.UidAlreadyLinked(f"UID {cmd.uid} is linked to this pupil already")
        if app.uid == cmd.uid and app.open:
            msg = f"application {app.application_id} for UID {cmd.uid} is still open"
            raise errors.DuplicateApplication(msg)
        if app.application_id == cmd.application_id:
            raise errors.DuplicateApplication(f"application {app.application_id} exists already")
        if cmd.relation == "pupil" and app.relation == "pupil" and (app.open or app.live):
            msg = f"UID {app.uid} is (or is about to be) the pupil's own account"
            raise errors.PupilAccountLinked(msg)
    return ApplicationSubmitted(
        application_id=cmd.application_id,
        pupil_id=cmd.pupil_id,
        uid=cmd.uid,
        relation=cmd.relation,
        applicant_name=cmd.applicant_name,
        kinship=cmd.kinship,
        contact=cmd.contact,
    )


def _depart(cmd: RecordDeparture, state: PupilAccess, facts: Facts) -> PupilDeparted:
    if state.departed:
        raise errors.PupilHasDeparted("the pupil's departure is recorded already")
    if not facts.pupil_known:
        raise errors.UnknownPupil("no such pupil in the roster")
    ended = tuple(app.application_id for app in state.live_links())
    return PupilDeparted(last_day=cmd.last_day, reason=cmd.reason, ended=ended)


def _application(state: PupilAccess, application_id: str) -> Application:
    app = state.applications.get(application_id)
    if app is None:
        raise errors.ApplicationNotFound(f"no application {application_id!r} for this pupil")
    return app


def _open_application(
    state: PupilAccess, application_id: str, *, for_decision: bool
) -> Application:
    """The application, still open, of a pupil still at school (for a check or an approval)."""
    app = _application(state, application_id)
    if not app.open:
        raise errors.AlreadyDecided(f"application {application_id} is {app.status}")
    if not for_decision and app.status == "checked":
        raise errors.AlreadyChecked(f"the passport check of {application_id} is recorded")
    if state.departed:
        raise errors.PupilHasDeparted("the pupil has left the school")
    return app


def evolve(state: PupilAccess, event: Event) -> PupilAccess:
    """The state after one event; events of other aggregates leave it alone."""
    match event:
        case ApplicationSubmitted():
            app = Application(
                application_id=event.application_id,
                uid=event.uid,
                relation=event.relation,
                applicant_name=event.applicant_name,
                kinship=event.kinship,
                contact=event.contact,
            )
            return replace(state, applications={**state.applications, app.application_id: app})
        case PupilDeparted():
            for application_id in event.ended:
                state = _update(state, application_id, status="ended", end_reason=event.reason)
            return replace(state, departed=True)
        case _:
            return _evolve_application(state, event)


def _evolve_application(state: PupilAccess, event: Event) -> PupilAccess:
    """The steps of one application after its submission."""
    match event:
        case PassportChecked():
            return _update(
                state, event.application_id, status="checked", checked_by=event.checked_by
            )
        case ApplicationApproved():
            return _update(state, event.application_id, status="approved")
        case ApplicationRejected():
            return _update(
                state, event.application_id, status="rejected", rejection_reason=event.reason
            )
        case LinkWithdrawn():
            return _update(state, event.application_id, status="withdrawn", end_reason=event.reason)
        case _:
            return state


def _update(state: PupilAccess, application_id: str, **changes: object) -> PupilAccess:
    app = state.applications.get(application_id)
    if app is None:  # an event about an unknown application changes nothing (total fold)
        return state
    updated = replace(app, **changes)  # type: ignore[arg-type]
    return replace(state, applications={**state.applications, application_id: updated})
