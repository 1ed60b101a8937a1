"""The diary's HTTP application: the portal's views of the depersonalised feed, and messages."""

from __future__ import annotations

from fastapi import Request, Response

from services.common.http import ServiceApi, problem, service_checks
from services.diary import bootstrap
from services.diary.application.threads import AttachmentNotFound
from services.diary.application.views import NotFound
from services.diary.domain import attachments, recipients, thread
from services.diary.domain.access import Denied
from services.diary.entrypoints import (
    admin_routes,
    change_routes,
    message_routes,
    message_write_routes,
    profile_routes,
    view_routes,
)
from services.diary.entrypoints.message_dto import NOTICE
from services.diary.settings import Settings

DOMAIN_STATUSES: dict[type[Exception], int] = {
    NotFound: 404,
    thread.ThreadNotFound: 404,
    AttachmentNotFound: 404,
    thread.ThreadAlreadyStarted: 409,
    thread.ReadBeyondEnd: 422,
    recipients.NoRecipients: 422,
    attachments.AttachmentTooLarge: 413,
    attachments.TooManyAttachments: 413,
    attachments.UnsupportedAttachmentType: 415,
    attachments.EmptyAttachment: 422,
}


async def _denied(_request: Request, exc: Exception) -> Response:
    """403 with the refusal's own reason (`no_grant`, `wrong_school`, `wrong_role`, `no_uid`)."""
    if not isinstance(exc, Denied):  # pragma: no cover - registered for Denied only
        raise exc
    return problem(403, exc.reason, exc.detail)


async def readiness(runtime: bootstrap.Runtime) -> dict[str, bool | str]:
    """NATS and PostgreSQL reachable, the projectors (when this process runs them) healthy."""
    projector = runtime.projector if runtime.projector_running else None
    checks = await service_checks(runtime.nats, runtime.pool, projector)
    if runtime.projector_running:  # one check for both: the feed's and the messages' projector
        messages = runtime.messages_projector.status().healthy
        checks["projector"] = checks["projector"] is True and messages
    return checks


def upload_bytes(settings: Settings) -> int:
    """A message's files: as many as it may carry, each up to the largest allowed."""
    return settings.messages.max_files * settings.messages.max_file_bytes


API = ServiceApi(
    title="E-diary",
    description=(
        "The portal's e-diary for parents, pupils and staff UIDs: depersonalised lessons, "
        "homework, marks and attendance from the exporter's feed; messages between "
        "teachers and the parents and pupils of their classes.\n\n"
        f"{NOTICE}"
    ),
    settings=Settings,
    build=bootstrap.build,
    readiness=readiness,
    routers=(
        view_routes.router,
        admin_routes.router,
        message_routes.router,
        message_write_routes.router,
        profile_routes.router,
        change_routes.router,
    ),
    domain_statuses=DOMAIN_STATUSES,
    handlers={Denied: _denied},
    upload_bytes=upload_bytes,
)
create_app = API.create_app
