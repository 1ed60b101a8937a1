"""FastAPI dependencies of the exporter: its Deps and the administrator acting on a school."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from services.common.auth import AuthError, Principal, current_principal, require_school
from services.common.http import app_deps
from services.common.path_params import SchoolPath
from services.exporter.application.ports import Deps


async def admin_of(
    principal: Annotated[Principal, Depends(current_principal)], school: SchoolPath
) -> Principal:
    """The caller, who must be an administrator of the path's school (403 otherwise)."""
    require_school(principal, school)
    if not principal.has("admin"):
        raise AuthError("role_not_allowed", 403, "exports are for the administrator ('admin')")
    return principal


DepsDep = Annotated[Deps, Depends(app_deps)]
AdminDep = Annotated[Principal, Depends(admin_of)]
