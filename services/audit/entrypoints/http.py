"""The audit's HTTP application: histories, reports, the journal as of a moment, verification.

Every route is for the auditor, head and deputy director of the path's school only
(`services.audit.entrypoints.deps.AuditReader`).
"""

from __future__ import annotations

from fastapi import Request, Response

from services.audit import bootstrap
from services.audit.application.asof import AsOfNotFound
from services.audit.entrypoints import asof_routes, history_routes, report_routes, verify_routes
from services.audit.settings import Settings
from services.common.http import ServiceApi, problem, service_checks
from services.common.sealing import MissingKey, UnopenableBox


async def unreadable_personal_data(_request: Request, exc: Exception) -> Response:
    """503 `personal_data_unreadable`: a sealed name needs a key the key store does not hold
    (restored from an older backup, or another installation's) or a box does not open. Never
    shown as erased: an erasure is recorded, a missing key is an operator's problem."""
    return problem(503, "personal_data_unreadable", str(exc))


async def readiness(runtime: bootstrap.Runtime) -> dict[str, bool | str]:
    """NATS and PostgreSQL reachable, the event-log projectors (when run here) healthy."""
    checks = await service_checks(runtime.nats, runtime.pool, None)
    if runtime.projectors_running:
        for projector in runtime.projectors:
            checks[projector.name] = projector.status().healthy
    return checks


API = ServiceApi(
    title="Audit",
    description=(
        "What the journal said, when, and who changed it: histories, reports, the journal "
        "as of a moment and tamper evidence. For the auditor, head and deputy director."
    ),
    settings=Settings,
    build=bootstrap.build,
    readiness=readiness,
    # Histories and reports; the journal as of a moment; tamper evidence.
    routers=(history_routes.router, report_routes.router, asof_routes.router, verify_routes.router),
    handlers={
        AsOfNotFound: asof_routes.not_found,
        MissingKey: unreadable_personal_data,
        UnopenableBox: unreadable_personal_data,
    },
)
create_app = API.create_app
