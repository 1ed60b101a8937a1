"""FastAPI dependencies of the enrollment: the service's Deps and the acting user of a request.

Every route needs a bearer token of the path's school (403 `wrong_school` otherwise). Commands
need the role admin (or system); reads admin, head or deputy; anyone else gets 403
`role_not_allowed`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from contracts.envelope import Actor, Role
from services.common.auth import (
    AuthError,
    Principal,
    PrincipalDep,
    require_school,
)
from services.common.http import correlation_id
from services.common.idempotency import IdempotencyKey, command_identity
from services.common.path_params import SchoolPath
from services.enrollment.application.handling import Meta
from services.enrollment.application.ports import Deps

WRITE_ROLES: tuple[Role, ...] = ("admin", "system")
READ_ROLES: tuple[Role, ...] = ("admin", "head", "deputy")


async def get_deps(request: Request) -> Deps:
    """The Deps built by the app's lifespan."""
    deps: Deps = request.app.state.deps
    return deps


DepsDep = Annotated[Deps, Depends(get_deps)]


def _role(principal: Principal, roles: tuple[Role, ...]) -> Role:
    role = next((r for r in roles if principal.has(r)), None)
    if role is None:
        raise AuthError("role_not_allowed", 403, f"this needs one of the roles {list(roles)}")
    return role


async def acting(
    principal: PrincipalDep,
    school: SchoolPath,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> Meta:
    """The command's metadata, when the user may change the school's enrollment; its command
    id is scoped to the caller and the request path (`services.common.idempotency`)."""
    require_school(principal, school)
    role = _role(principal, WRITE_ROLES)
    identity = await command_identity(request, principal.user_id, idempotency_key)
    return Meta(
        command_id=identity.command_id,
        fingerprint=identity.fingerprint,
        correlation_id=correlation_id(),
        actor=Actor(id=principal.user_id, role=role),
        school=school,
    )


async def reading(principal: PrincipalDep, school: SchoolPath) -> str:
    """The school, when the user may read its enrollment."""
    require_school(principal, school)
    _role(principal, READ_ROLES)
    return school


WriteMeta = Annotated[Meta, Depends(acting)]
ReadSchool = Annotated[str, Depends(reading)]
