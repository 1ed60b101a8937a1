"""Signing in to the portal and out. Development: a page listing the portal users the diary
holds grants for (the demo's parent, pupil and teachers' UIDs). Production: the city's OpenID
Connect provider (`oidc_routes`).

Signing in mints the portal token the diary verifies (with the user's `uid`) and keeps it in the
session cookie; the sign-in form is protected against login CSRF by a double-submit cookie.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, Final

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from services.common.webapp import signin
from services.common.webapp.signin import start_session
from services.portal.domain.navigation import ROLE_NAMES, start_page
from services.portal.domain.portal_users import PortalUser, portal_users
from services.portal.entrypoints.pages import deps_of, refusal_page, render, year_path

router = APIRouter(tags=["sign-in"])
_GRANTS_READ_TTL: Final = timedelta(minutes=1)


@router.get("/signin", summary="The sign-in page")
async def signin_page(request: Request, next: str | None = None, expired: int = 0) -> Response:
    people = await _dev_users(request) if request.app.state.settings.dev_sign_in else []
    return signin.signin_page(request, render, people, next, expired=bool(expired))


@router.post("/signin/dev", summary="Sign in as one of the demo's portal users (development)")
async def dev_signin(
    request: Request,
    user: Annotated[str, Form(pattern=r"^[a-z]+:[0-9]{1,12}$")],
    signin_csrf: Annotated[str, Form()],
    next: Annotated[str, Form()] = "",
) -> Response:
    refused = signin.dev_signin_refused(request, render, signin_csrf)
    if refused is not None:
        return refused
    role, uid_text = user.split(":")
    if role not in ROLE_NAMES:
        return refusal_page(request, 422, "unknown_role", f"no portal role {role!r}")
    uid = int(uid_text)
    if uid <= 0:
        return refusal_page(request, 422, "invalid_uid", "a UID is a positive number")
    deps = deps_of(request)
    token = deps.issuer.mint(f"uid{uid}", [role], deps.school, ttl=deps.session_ttl, uid=uid)
    name = f"{ROLE_NAMES[role]} · UID {uid}"
    return start_session(request, token, name, start_page([role]), next)


router.add_api_route("/signout", signin.signout, methods=["POST"], summary="Sign out")


async def _dev_users(request: Request) -> list[PortalUser]:
    """The portal users with live grants, read from the diary with a one-minute operator token
    of the portal's own (development only: the dev secret signs it)."""
    deps = deps_of(request)
    token = deps.issuer.mint("portal-dev-signin", ["system"], deps.school, ttl=_GRANTS_READ_TTL)
    answer: list[dict[str, Any]] = await deps.diary.get(f"{year_path(request)}/portal-users", token)
    return portal_users(answer)
