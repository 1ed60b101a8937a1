"""The enrollment's HTTP application: applications, links, departures and staff UIDs."""

from __future__ import annotations

from fastapi import Request, Response

from services.common.http import ServiceApi, problem, service_checks
from services.common.keystore import PersonErased
from services.enrollment import bootstrap
from services.enrollment.domain.errors import Conflict, DomainError, Invalid, NotFound
from services.enrollment.entrypoints import application_routes, pupil_routes, staff_routes
from services.enrollment.settings import Settings

DOMAIN_STATUSES: dict[type[DomainError], int] = {NotFound: 404, Conflict: 409, Invalid: 422}


async def domain_error(_request: Request, exc: Exception) -> Response:
    """A refused command as problem+json: the error's own reason, its category's status."""
    if not isinstance(exc, DomainError):  # pragma: no cover - registered for DomainError only
        raise exc
    status = next((s for kind, s in DOMAIN_STATUSES.items() if isinstance(exc, kind)), 422)
    return problem(status, exc.reason, str(exc))


async def readiness(runtime: bootstrap.Runtime) -> dict[str, bool | str]:
    """NATS and PostgreSQL reachable, the projectors (when this process runs them) healthy."""
    checks = await service_checks(runtime.nats, runtime.pool, None)
    if runtime.projectors_running:
        checks["projector"] = runtime.projector.status().healthy
        checks["roster_projector"] = runtime.roster_projector.status().healthy
    return checks


API = ServiceApi(
    title="Enrollment",
    description="Applications for e-diary access, parent and pupil links, staff portal UIDs.",
    settings=Settings,
    build=bootstrap.build,
    readiness=readiness,
    routers=(application_routes.router, pupil_routes.router, staff_routes.router),
    # New personal data of an erased person (an application for an erased pupil's applicant,
    # say): 409 `person_erased`. The domain's own errors carry their reasons (`domain_error`).
    domain_statuses={PersonErased: 409},
    handlers={DomainError: domain_error},
)
create_app = API.create_app
