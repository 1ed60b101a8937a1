"""The printed application: an `ApplicationForm` built from the read models."""

from __future__ import annotations

from services.enrollment.application.form import ApplicationForm
from services.enrollment.application.ports import Deps
from services.enrollment.domain import errors


async def application_form(deps: Deps, school: str, application_id: str) -> ApplicationForm:
    """What the printed form of an application shows (from the read models, which may lag the
    last command by a moment)."""
    view = await deps.reads.application(school, application_id)
    if view is None:
        raise errors.ApplicationNotFound(f"no application {application_id!r}")
    local = deps.clock.local_date
    submitted_on = local(view.submitted_at)
    pupil = await deps.roster.pupil(school, view.pupil_id)
    stays = await deps.roster.stays(school, view.pupil_id)
    # The class the pupil was in on the day of the application, else the latest one.
    current = [
        s for s in stays if s.since <= submitted_on and (s.last_day or submitted_on) >= submitted_on
    ]
    chosen = current or stays
    stay = chosen[-1] if chosen else None
    checker = None
    if view.checked_by is not None:
        found = await deps.roster.staff(school, [view.checked_by])
        checker = found[0].full_name if found else view.checked_by
    return ApplicationForm(
        school_name=await deps.roster.school_name(school) or school,
        application_id=view.application_id,
        submitted_on=submitted_on,
        applicant_name=view.applicant_name,
        relation="pupil" if view.relation == "pupil" else "parent",
        kinship=view.kinship,
        contact=view.contact,
        uid=view.uid,
        pupil_name=pupil.full_name if pupil is not None else view.pupil_id,
        pupil_birth_date=pupil.birth_date if pupil is not None else None,
        class_label=stay.class_label if stay is not None else None,
        status=view.status,
        checked_by_name=checker,
        checked_on=None if view.checked_at is None else local(view.checked_at),
        decided_on=None if view.decided_at is None else local(view.decided_at),
        rejection_reason=view.rejection_reason,
    )
