"""Handlers of a pupil's portal access: gather the facts, then load -> decide -> append."""

from __future__ import annotations

from contracts import subjects
from services.enrollment.application.handling import Aggregate, Meta, Recorded, execute
from services.enrollment.application.ids import pupil_in
from services.enrollment.application.ports import Deps
from services.enrollment.domain import errors, pupil_access
from services.enrollment.domain.commands import (
    Facts,
    PupilCommand,
    RecordDeparture,
    RecordPassportCheck,
    SubmitApplication,
)
from services.enrollment.domain.pupil_access import PupilAccess

PUPIL = Aggregate(pupil_access.INITIAL, pupil_access.evolve)


async def facts_for(deps: Deps, school: str, pupil_id: str, cmd: PupilCommand) -> Facts:
    """What the roster says that the command needs (read from the projection, so it may lag
    the journal by a moment)."""
    needs_pupil = isinstance(cmd, SubmitApplication | RecordDeparture)
    pupil_known = needs_pupil and await deps.roster.pupil(school, pupil_id) is not None
    known_staff: frozenset[str] = frozenset()
    if isinstance(cmd, RecordPassportCheck):
        found = await deps.roster.staff(school, [cmd.checked_by])
        known_staff = frozenset(s.staff_id for s in found)
    return Facts(pupil_known=pupil_known, known_staff=known_staff)


async def run(deps: Deps, meta: Meta, pupil_id: str, cmd: PupilCommand) -> Recorded[PupilAccess]:
    """Run a command on the pupil's access aggregate."""
    facts = await facts_for(deps, meta.school, pupil_id, cmd)
    return await execute(
        deps,
        meta,
        subjects.enrollment_pupil(meta.school, pupil_id),
        PUPIL,
        lambda state: pupil_access.decide(cmd, state, facts),
    )


async def pupil_of_application(deps: Deps, school: str, application_id: str) -> str:
    """The pupil an application is about: from the read model, or else from the id itself
    (an application submitted a moment ago may not be in the read model yet)."""
    view = await deps.reads.application(school, application_id)
    if view is not None:
        return view.pupil_id
    pupil_id = pupil_in(application_id)
    if pupil_id is None:
        raise errors.ApplicationNotFound(f"no application {application_id!r}")
    return pupil_id
