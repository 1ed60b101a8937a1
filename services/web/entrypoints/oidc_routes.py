"""Signing in to the school's pages through the city's OpenID Connect provider.

The flow itself (the provider's redirect, the signed flow cookie, the code exchange, the ID
token's validation, the refusal and outage pages) is shared with the portal:
`services.common.webapp.oidc_routes`. What is the school's own is here: the claims name a member
of staff with their staff roles and school (`domain.oidc_claims`), who gets a token the school's
APIs verify and lands on their role's start page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import structlog
from fastapi import Request

from kernel.oidc_claims import ClaimsRefused
from services.common.webapp.oidc_flow import CALLBACK_PATH, FLOW_PATH
from services.common.webapp.oidc_routes import OidcPages, OidcSignIn, oidc_router
from services.web.domain.navigation import start_page
from services.web.domain.oidc_claims import ClaimNames, staff_member
from services.web.entrypoints.pages import deps_of, render
from services.web.settings import OidcSettings, Settings

__all__ = ["CALLBACK_PATH", "FLOW_COOKIE", "FLOW_PATH", "FLOW_SALT", "router"]

_log = structlog.get_logger(__name__)
FLOW_COOKIE: Final = "oidc_flow"
FLOW_SALT: Final = "school-web-oidc-flow"


def _sign_in(request: Request, claims: Mapping[str, object]) -> OidcSignIn | ClaimsRefused:
    """The member of staff the claims name, with a token for their staff roles, or why not."""
    settings: Settings = request.app.state.settings
    person = staff_member(claims, _claim_names(settings.oidc))
    if isinstance(person, ClaimsRefused):
        return person
    deps = deps_of(request)
    token = deps.issuer.mint(person.staff_id, person.roles, person.school, ttl=deps.session_ttl)
    _log.info("oidc_signed_in", staff_id=person.staff_id, roles=person.roles, school=person.school)
    return OidcSignIn(token, person.name, start_page(person.roles))


def _claim_names(oidc: OidcSettings) -> ClaimNames:
    return ClaimNames(oidc.staff_id_claim, oidc.roles_claim, oidc.school_claim, oidc.name_claim)


router = oidc_router(OidcPages(render, _sign_in, FLOW_COOKIE, FLOW_SALT))
