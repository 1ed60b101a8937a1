"""Signing in to the portal through the city's OpenID Connect provider.

The flow itself (the provider's redirect, the signed flow cookie, the code exchange, the ID
token's validation, the refusal and outage pages) is the school web's too:
`services.common.webapp.oidc_routes`. What is the portal's own is here: the claims name a portal
UID with its portal roles at this portal's school (`domain.oidc_claims`), who gets a portal
token (with the `uid` the diary's grants name) and lands on their start page. The flow cookie
has its own name and salt: the school web's may sit on the same host.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import structlog
from fastapi import Request

from kernel.oidc_claims import ClaimsRefused
from services.common.webapp.oidc_routes import OidcPages, OidcSignIn, oidc_router
from services.portal.domain.navigation import start_page
from services.portal.domain.oidc_claims import ClaimNames, portal_person
from services.portal.entrypoints.pages import deps_of, render
from services.portal.settings import Settings

_log = structlog.get_logger(__name__)
FLOW_COOKIE: Final = "portal_oidc_flow"
FLOW_SALT: Final = "portal-web-oidc-flow"


def _sign_in(request: Request, claims: Mapping[str, object]) -> OidcSignIn | ClaimsRefused:
    """The portal user the claims name, with a portal token for their roles, or why not."""
    settings: Settings = request.app.state.settings
    oidc = settings.oidc
    deps = deps_of(request)
    names = ClaimNames(oidc.uid_claim, oidc.roles_claim, oidc.school_claim)
    person = portal_person(claims, names, deps.school)
    if isinstance(person, ClaimsRefused):
        return person
    token = deps.issuer.mint(
        person.subject, person.roles, person.school, ttl=deps.session_ttl, uid=person.uid
    )
    _log.info("oidc_signed_in", uid=person.uid, roles=person.roles, school=person.school)
    return OidcSignIn(token, person.display_name, start_page(person.roles))


router = oidc_router(OidcPages(render, _sign_in, FLOW_COOKIE, FLOW_SALT))
