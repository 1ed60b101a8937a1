"""Signing in and out. Development: a page listing the school's staff (the journal's roster),
each with the role the demo gives them. Production: OpenID Connect (`oidc_routes`).

Signing in mints the token the APIs verify for the person and keeps it in the session cookie.
The sign-in form has no session yet, so it is protected against login CSRF by a double-submit
cookie of its own (`services.common.webapp.signin`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Final

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from services.common.webapp import signin
from services.common.webapp.signin import start_session
from services.web.domain.dev_roles import proposed_role
from services.web.domain.navigation import ROLE_NAMES, start_page
from services.web.entrypoints.pages import deps_of, refusal_page, render, school_year

router = APIRouter(tags=["sign-in"])
_ROSTER_READ_TTL: Final = timedelta(minutes=1)


@router.get("/signin", summary="The sign-in page")
async def signin_page(request: Request, next: str | None = None, expired: int = 0) -> Response:
    people = await _dev_people(request) if request.app.state.settings.dev_sign_in else []
    return signin.signin_page(
        request, render, people, next, expired=bool(expired), roles=ROLE_NAMES
    )


@router.post("/signin/dev", summary="Sign in as a member of the demo's staff (development only)")
async def dev_signin(
    request: Request,
    staff_id: Annotated[str, Form(min_length=1, max_length=64, pattern=r"^[a-z0-9-]+$")],
    role: Annotated[str, Form()],
    signin_csrf: Annotated[str, Form()],
    next: Annotated[str, Form()] = "",
) -> Response:
    refused = signin.dev_signin_refused(request, render, signin_csrf)
    if refused is not None:
        return refused
    settings = request.app.state.settings
    if role not in ROLE_NAMES:
        return refusal_page(request, 422, "unknown_role", f"no staff role {role!r}")
    people = {p["staff_id"]: p for p in await _dev_people(request)}
    name = people.get(staff_id, {}).get("full_name") or staff_id
    deps = deps_of(request)
    token = deps.issuer.mint(staff_id, [role], settings.dev_school, ttl=deps.session_ttl)
    return start_session(request, token, name, start_page([role]), next)


router.add_api_route("/signout", signin.signout, methods=["POST"], summary="Sign out")


async def _dev_people(request: Request) -> list[dict[str, str]]:
    """The school's staff with the role the demo gives each, read from the journal's roster
    with a one-minute administrator token of the web's own."""
    settings = request.app.state.settings
    deps = deps_of(request)
    token = deps.issuer.mint("web-dev-signin", ["admin"], settings.dev_school, ttl=_ROSTER_READ_TTL)
    year = school_year(request)
    roster = await deps.backends.get(
        "journal", f"/schools/{settings.dev_school}/years/{year}/roster", token
    )
    return [
        {
            "staff_id": member["staff_id"],
            "full_name": member["full_name"],
            "position": member["position"],
            "role": proposed_role(member["position"]),
        }
        for member in roster["staff"]
    ]
