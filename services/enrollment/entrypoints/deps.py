"""FastAPI dependencies of the enrollment: the service's Deps and the acting user of a request.

Every route needs a bearer token of the path's school (403 `wrong_school` otherwise). Commands
need the role admin (or system); reads admin, head or deputy; anyone else gets 403
`role_not_allowed`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from contracts.roles import Role
from services.common.acting import acting_role, issued
from services.common.auth import PrincipalDep, require_school
from services.common.http import app_deps
from services.common.idempotency import IdempotencyKey
from services.common.path_params import SchoolPath
from services.enrollment.application.handling import Meta
from services.enrollment.application.ports import Deps

WRITE_ROLES: tuple[Role, ...] = ("admin", "system")
READ_ROLES: tuple[Role, ...] = ("admin", "head", "deputy")


DepsDep = Annotated[Deps, Depends(app_deps)]


async def acting(
    principal: PrincipalDep,
    school: SchoolPath,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> Meta:
    """The command's metadata, when the user may change the school's enrollment; its command
    id is scoped to the caller and the request path (`services.common.idempotency`)."""
    require_school(principal, school)
    role = acting_role(principal, WRITE_ROLES)
    return await issued(request, principal, role, school, idempotency_key)


async def reading(principal: PrincipalDep, school: SchoolPath) -> str:
    """The school, when the user may read its enrollment."""
    require_school(principal, school)
    acting_role(principal, READ_ROLES)
    return school


WriteMeta = Annotated[Meta, Depends(acting)]
ReadSchool = Annotated[str, Depends(reading)]
