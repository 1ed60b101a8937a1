"""FastAPI dependencies of the audit: the service's Deps and the reader of a request.

Every route is for the auditor, head and deputy director of the path's school only: a token of
another school gets 403 `wrong_school`, any other role 403 `role_not_allowed`, both decided
before anything else of the request is validated or looked up.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from contracts.roles import Role
from services.audit.application.ports import Deps
from services.common.auth import AuthError, Principal, PrincipalDep
from services.common.http import app_deps
from services.common.path_params import SchoolPath

AUDIT_ROLES: tuple[Role, ...] = ("auditor", "head", "deputy")
"""Who reads the audit service (DESIGN.md §6)."""


DepsDep = Annotated[Deps, Depends(app_deps)]


async def audit_reader(principal: PrincipalDep, school: SchoolPath) -> Principal:
    """The caller, when the token is of the path's school and holds an audit role."""
    if principal.school != school:
        raise AuthError("wrong_school", 403, f"the token is for school {principal.school!r}")
    if not principal.has(*AUDIT_ROLES):
        raise AuthError(
            "role_not_allowed", 403, f"the audit is for the roles {list(AUDIT_ROLES)} only"
        )
    return principal


AuditReader = Annotated[Principal, Depends(audit_reader)]
"""The auditor, head or deputy director of the path's `{school}` (else 401/403)."""
