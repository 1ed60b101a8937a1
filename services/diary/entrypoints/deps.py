"""FastAPI dependencies of the diary: its Deps, and the request's school year and caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from contracts.base import Token
from services.common.auth import Principal, current_principal
from services.diary.application.ports import Deps
from services.diary.application.views import Scope
from services.diary.domain.access import Caller


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


DepsDep = Annotated[Deps, Depends(get_deps)]
ScopeDep = Annotated[Scope, Depends(request_scope)]
