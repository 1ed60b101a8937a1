"""FastAPI dependencies of the diary: its Deps, the request's school year and caller, and for
messages the caller's command (school, caller, command id scoped from Idempotency-Key)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.common.auth import Principal, current_principal
from services.common.http import app_deps, correlation_id
from services.common.idempotency import IdempotencyKey, command_identity
from services.common.path_params import SchoolPath, YearPath
from services.diary.application import messaging
from services.diary.application.ports import Deps
from services.diary.application.views import Scope
from services.diary.domain.access import Caller, check_portal_caller
from services.diary.domain.recipients import check_teacher


async def request_scope(
    school: SchoolPath,
    year: YearPath,
    principal: Annotated[Principal, Depends(current_principal)],
) -> Scope:
    """The school year of the path and the verified caller (checked by the use case)."""
    return Scope(school, year, Caller(principal.roles, principal.school, principal.uid))


async def message_request(
    school: SchoolPath,
    principal: Annotated[Principal, Depends(current_principal)],
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> messaging.Request:
    """The caller of a messages route: a portal user (role and UID) of the path's school,
    refused before the request's body or the thread is looked at.

    The command id is scoped to the caller and the request path
    (`services.common.idempotency`): users who happen to pick the same key never collide.
    """
    caller = Caller(principal.roles, principal.school, principal.uid)
    check_portal_caller(caller, school)
    identity = await command_identity(request, principal.user_id, idempotency_key)
    return messaging.Request(
        school=school,
        caller=caller,
        command_id=identity.command_id,
        correlation_id=correlation_id(),
        fingerprint=identity.fingerprint,
    )


async def teacher_message_request(
    req: Annotated[messaging.Request, Depends(message_request)],
) -> messaging.Request:
    """The caller of a route only teachers may use (starting a thread)."""
    check_teacher(req.caller, req.school)
    return req


DepsDep = Annotated[Deps, Depends(app_deps)]
ScopeDep = Annotated[Scope, Depends(request_scope)]
MessageRequestDep = Annotated[messaging.Request, Depends(message_request)]
TeacherMessageRequestDep = Annotated[messaging.Request, Depends(teacher_message_request)]
