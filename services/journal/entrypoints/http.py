"""The journal's HTTP application: roster, lessons and the school journal view."""

from __future__ import annotations

from services.common.http import ServiceApi, service_checks
from services.common.keystore import PersonErased
from services.journal import bootstrap
from services.journal.application.files import EmptyFile, FileTooLarge, UnsupportedFileType
from services.journal.application.read_models import ViewNotFound
from services.journal.domain.errors import Conflict, Forbidden, Invalid, NotFound
from services.journal.entrypoints import (
    admin_routes,
    archive_routes,
    check_routes,
    erasure_routes,
    lesson_entry_routes,
    lesson_routes,
    paperwork_routes,
    period_routes,
    rollover_routes,
    roster_routes,
    view_routes,
    year_plan_routes,
)
from services.journal.settings import Settings

DOMAIN_STATUSES: dict[type[Exception], int] = {
    NotFound: 404,
    ViewNotFound: 404,
    Forbidden: 403,
    Conflict: 409,
    Invalid: 422,
    EmptyFile: 422,
    FileTooLarge: 413,
    UnsupportedFileType: 415,
    PersonErased: 409,  # new personal data of an erased person: `person_erased`
}


async def readiness(runtime: bootstrap.Runtime) -> dict[str, bool | str]:
    """NATS and PostgreSQL reachable, the projector (when this process runs it) healthy."""
    projector = runtime.projector if runtime.projector_running else None
    return await service_checks(runtime.nats, runtime.pool, projector)


def upload_bytes(settings: Settings) -> int:
    """Homework files: up to the files' own limit."""
    return settings.files.max_bytes


API = ServiceApi(
    title="School journal",
    description="The school's electronic class journal: roster, lessons, marks, attendance.",
    settings=Settings,
    build=bootstrap.build,
    readiness=readiness,
    routers=(
        admin_routes.router,
        lesson_routes.router,
        lesson_entry_routes.router,
        view_routes.router,
        rollover_routes.router,
        period_routes.router,
        year_plan_routes.router,
        paperwork_routes.router,
        archive_routes.router,
        check_routes.router,
        roster_routes.router,
        erasure_routes.router,
    ),
    domain_statuses=DOMAIN_STATUSES,
    upload_bytes=upload_bytes,
)
create_app = API.create_app
