"""Bearer-token authentication and the role and school checks every service enforces.

Tokens are JWTs with the claims `sub` (user id), `roles`, `school`, optional `uid` (portal UID),
`exp`, `iat`, `iss`, `aud` and `jti`. A token may live (`exp` - `iat`, or `exp` - now without
`iat`) at most `AuthSettings.max_staff_token_hours`, or `max_portal_token_days` with a `uid`:
a stolen token that never expires is refused however well it is signed. In development tokens
are HS256-signed with a shared secret (`DevTokenIssuer` mints them); in production they are
verified against the public keys of a JSON Web Key Set file (RS256 or ES256, chosen by the
token's `kid`).

A refusal is an `AuthError` with a machine-readable `reason`; `services.common.http` turns it into
a problem+json response (401 for authentication, 403 for authorisation).

Here: the caller (`Principal`), the refusal, and the FastAPI dependencies that check them; the
verification of a token is `services.common.token_verifier`, the development issuer
`services.common.dev_tokens`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Final

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from contracts.roles import ROLES

if TYPE_CHECKING:
    from services.common.token_verifier import TokenVerifier

DEV_ALGORITHM: Final = "HS256"


class AuthError(Exception):
    """A refused request: `reason` is machine-readable, `status` is 401 (who?) or 403 (not you)."""

    def __init__(self, reason: str, status: int = 401, detail: str | None = None) -> None:
        self.reason = reason
        self.status = status
        self.detail = detail or reason.replace("_", " ")
        super().__init__(self.detail)


@dataclass(frozen=True, slots=True)
class Principal:
    """The verified user behind a request."""

    user_id: str
    roles: frozenset[str]
    school: str
    uid: int | None = None
    token_id: str | None = None

    def has(self, *roles: str) -> bool:
        """True when the user holds at least one of `roles`."""
        return not self.roles.isdisjoint(roles)


_bearer = HTTPBearer(
    auto_error=False, scheme_name="bearer", description="a JWT from the school's token issuer"
)


def bearer_token(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer <token>` header value."""
    if not authorization:
        raise AuthError("missing_token", 401, "send Authorization: Bearer <token>")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError("malformed_token", 401, "the Authorization header is not 'Bearer <token>'")
    return token.strip()


async def current_principal(
    request: Request,
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """FastAPI dependency: the verified caller (the verifier is `app.state.token_verifier`)."""
    verifier: TokenVerifier = request.app.state.token_verifier
    return verifier.verify(bearer_token(request.headers.get("Authorization")))


PrincipalDep = Annotated[Principal, Depends(current_principal)]
"""A route's verified caller."""


def require_roles(*roles: str) -> Callable[[Principal], Awaitable[Principal]]:
    """FastAPI dependency factory: the caller, who must hold one of `roles` (else 403)."""
    unknown = set(roles) - ROLES
    if not roles or unknown:
        raise ValueError(f"require_roles needs roles from {sorted(ROLES)}, got {sorted(unknown)}")

    async def principal_with_role(
        principal: Annotated[Principal, Depends(current_principal)],
    ) -> Principal:
        if not principal.has(*roles):
            raise AuthError("role_not_allowed", 403, f"this needs one of the roles {list(roles)}")
        return principal

    return principal_with_role


def require_school(principal: Principal, school: str) -> None:
    """Refuse (403 `wrong_school`) when the path's school is not the token's school."""
    if principal.school != school:
        raise AuthError("wrong_school", 403, "the token is for another school")
