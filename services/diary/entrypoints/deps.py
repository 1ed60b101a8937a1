"""FastAPI dependencies of the diary: its Deps, the request's school year and caller, and for
messages the caller's command (school, caller, command id from Idempotency-Key)."""

from __future__ import annotations

import re
import uuid
from typing import Annotated

from fastapi import Depends, Header, Path, Request

from contracts.base import Token
from services.common.auth import Principal, current_principal
from services.common.http import ApiError, correlation_id
from services.diary.application import messaging
from services.diary.application.ports import Deps
from services.diary.application.views import Scope
from services.diary.domain.access import Caller, check_portal_caller
from services.diary.domain.recipients import check_teacher


async def get_deps(request: Request) -> Deps:
    """The Deps built by the app's lifespan."""
    deps: Deps = request.app.state.deps
    return deps


SchoolPath = Annotated[Token, Path(description="school id")]
YearPath = Annotated[int, Path(ge=2000, le=2100, description="first calendar year of the year")]


async def request_scope(
    school: SchoolPath,
    year: YearPath,
    principal: Annotated[Principal, Depends(current_principal)],
) -> Scope:
    """The school year of the path and the verified caller (checked by the use case)."""
    return Scope(school, year, Caller(principal.roles, principal.school, principal.uid))


_IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")


async def message_request(
    school: SchoolPath,
    principal: Annotated[Principal, Depends(current_principal)],
    idempotency_key: Annotated[
        str | None,
        Header(description="request id: a retried request with the same id records once"),
    ] = None,
) -> messaging.Request:
    """The caller of a messages route: a portal user (role and UID) of the path's school,
    refused before the request's body or the thread is looked at.

    The command id is the Idempotency-Key prefixed with the caller's UID, so two users who
    happen to pick the same key never collide in the stream's deduplication.
    """
    if idempotency_key is not None and not _IDEMPOTENCY_KEY.match(idempotency_key):
        raise ApiError(400, "invalid_idempotency_key", "Idempotency-Key: 1-100 of [A-Za-z0-9._:-]")
    caller = Caller(principal.roles, principal.school, principal.uid)
    check_portal_caller(caller, school)
    key = idempotency_key or uuid.uuid4().hex
    return messaging.Request(
        school=school,
        caller=caller,
        command_id=f"{principal.uid or 0}-{key}",
        correlation_id=correlation_id(),
    )


async def teacher_message_request(
    req: Annotated[messaging.Request, Depends(message_request)],
) -> messaging.Request:
    """The caller of a route only teachers may use (starting a thread)."""
    check_teacher(req.caller, req.school)
    return req


DepsDep = Annotated[Deps, Depends(get_deps)]
ScopeDep = Annotated[Scope, Depends(request_scope)]
MessageRequestDep = Annotated[messaging.Request, Depends(message_request)]
TeacherMessageRequestDep = Annotated[messaging.Request, Depends(teacher_message_request)]
