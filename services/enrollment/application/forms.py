"""The printed application: an `ApplicationForm` built from the read models, once they hold
every command recorded on the application so far (staff print right after recording)."""

from __future__ import annotations

import asyncio
import time

from contracts import subjects
from services.enrollment.application.form import ApplicationForm
from services.enrollment.application.ids import pupil_in
from services.enrollment.application.ports import Deps
from services.enrollment.application.views import ApplicationView
from services.enrollment.domain import errors

CATCH_UP_SECONDS = 2.0
_POLL_SECONDS = 0.02


async def current_application(deps: Deps, school: str, application_id: str) -> ApplicationView:
    """The application as the read model holds it after applying every event of its pupil's
    aggregate (waiting at most `CATCH_UP_SECONDS`: reads stay answerable while the projector
    is behind); `ApplicationNotFound` when there is none."""
    pupil = pupil_in(application_id)
    if pupil is not None:
        loaded = await deps.store.load(subjects.enrollment_pupil(school, pupil))
        deadline = time.monotonic() + CATCH_UP_SECONDS
        while loaded.events and await deps.reads.applied_up_to() < loaded.version.seq:
            if time.monotonic() > deadline:
                break
            await asyncio.sleep(_POLL_SECONDS)
    view = await deps.reads.application(school, application_id)
    if view is None:
        raise errors.ApplicationNotFound(f"no application {application_id!r}")
    return view


async def application_form(deps: Deps, school: str, application_id: str) -> ApplicationForm:
    """What the printed form of an application shows."""
    view = await current_application(deps, school, application_id)
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
