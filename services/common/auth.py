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
"""

from __future__ import annotations

import json
import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Final, get_args

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from jwt.exceptions import InvalidJTIError, InvalidSubjectError
from pydantic import SecretStr

from contracts.envelope import Role
from services.common.settings import MIN_SECRET_BYTES, AuthSettings

ROLES: Final[frozenset[str]] = frozenset(get_args(Role))
DEV_ALGORITHM: Final = "HS256"
KEY_SET_ALGORITHMS: Final = frozenset({"RS256", "ES256"})

# Most specific first: InvalidSignatureError is a DecodeError, every one is an InvalidTokenError.
_REASONS: Final[tuple[tuple[type[jwt.PyJWTError], str], ...]] = (
    (jwt.ExpiredSignatureError, "expired_token"),
    (jwt.ImmatureSignatureError, "token_not_yet_valid"),
    (jwt.InvalidAudienceError, "wrong_audience"),
    (jwt.InvalidIssuerError, "wrong_issuer"),
    (jwt.MissingRequiredClaimError, "missing_claim"),
    (jwt.InvalidSignatureError, "invalid_signature"),
    (jwt.InvalidAlgorithmError, "invalid_signature"),
    (jwt.InvalidKeyError, "invalid_signature"),
    (jwt.DecodeError, "malformed_token"),
    (InvalidSubjectError, "invalid_claim"),
    (InvalidJTIError, "invalid_claim"),
    (jwt.InvalidIssuedAtError, "invalid_claim"),
)


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


_VERIFIED_TOKENS = 10_000


class TokenVerifier:
    """Verifies bearer tokens as `AuthSettings` says (built once per process, in `create_app`)."""

    def __init__(self, settings: AuthSettings) -> None:
        self._settings = settings
        self._secret: str | None = None
        self._keys: dict[str | None, jwt.PyJWK] = {}
        if settings.mode == "dev" and settings.dev_secret is not None:
            self._secret = settings.dev_secret.get_secret_value()
        elif settings.mode == "jwks" and settings.jwks_path is not None:
            self._keys = load_key_set(settings.jwks_path)
        else:
            raise ValueError(f"auth.mode={settings.mode} lacks its secret or key set")
        # A client sends the same token with every request; checking its signature once per
        # process is enough, its expiry is checked on every use.
        self._verified: OrderedDict[str, tuple[Principal, float]] = OrderedDict()

    def verify(self, token: str) -> Principal:
        """The principal of a valid token; `AuthError` (401) with the reason otherwise."""
        if not token:
            raise AuthError("missing_token", 401, "send Authorization: Bearer <token>")
        remembered = self._verified.get(token)
        if remembered is not None and time.time() < remembered[1] + self._settings.leeway_seconds:
            return remembered[0]
        principal, expires_at = self._verify_signed(token)
        self._verified[token] = (principal, expires_at)
        if len(self._verified) > _VERIFIED_TOKENS:
            self._verified.popitem(last=False)
        return principal

    def _verify_signed(self, token: str) -> tuple[Principal, float]:
        key, algorithm = self._key_for(token)
        settings = self._settings
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=settings.audience,
                issuer=settings.issuer,
                leeway=settings.leeway_seconds,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as error:
            raise _auth_error(error) from error
        self._check_lifetime(claims)
        return principal_from_claims(claims), float(claims["exp"])

    def _check_lifetime(self, claims: Mapping[str, Any]) -> None:
        """Refuse (401 `token_lifetime_too_long`) a token meant to live longer than allowed.
        PyJWT has checked that `exp` and `iat` are numbers and `iat` is not in the future."""
        settings = self._settings
        portal = claims.get("uid") is not None
        hours = settings.max_portal_token_days * 24 if portal else settings.max_staff_token_hours
        issued = claims.get("iat")
        start = float(issued) if isinstance(issued, int | float) else time.time()
        if float(claims["exp"]) - start > hours * 3600 + settings.leeway_seconds:
            who = "portal" if portal else "staff"
            detail = f"{who} tokens may live at most {hours:g} hours"
            raise AuthError("token_lifetime_too_long", 401, detail)

    def _key_for(self, token: str) -> tuple[str | jwt.PyJWK, str]:
        """The key and algorithm that must have signed `token`."""
        if self._secret is not None:
            return self._secret, DEV_ALGORITHM
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError as error:
            raise _auth_error(error) from error
        if kid is None and len(self._keys) > 1:
            raise AuthError("malformed_token", 401, "the token names no key (kid)")
        key = self._keys.get(kid) if kid is not None else next(iter(self._keys.values()))
        if key is None:
            raise AuthError("invalid_signature", 401, "the token's key (kid) is not trusted")
        return key, key.algorithm_name


def load_key_set(path: Path) -> dict[str | None, jwt.PyJWK]:
    """The signing keys of a JWKS file by `kid`; `ValueError` when one is unusable."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        key_set = jwt.PyJWKSet.from_dict(document if isinstance(document, dict) else {})
    except (OSError, ValueError, jwt.PyJWTError) as error:
        raise ValueError(f"cannot read the key set {str(path)!r}: {error}") from error
    keys = {key.key_id: key for key in key_set.keys if key.public_key_use in (None, "sig")}
    for key in keys.values():
        if key.algorithm_name not in KEY_SET_ALGORITHMS:
            raise ValueError(f"key {key.key_id!r} uses {key.algorithm_name}; use RS256 or ES256")
    if not keys:
        raise ValueError(f"the key set {str(path)!r} has no signing keys")
    return keys


def principal_from_claims(claims: Mapping[str, Any]) -> Principal:
    """Check the journal's own claims (signature, time, issuer and audience are checked)."""
    for name in ("roles", "school"):
        if name not in claims:
            raise AuthError("missing_claim", 401, f"the token has no {name!r} claim")
    roles, school, uid = claims["roles"], claims["school"], claims.get("uid")
    if not _known_roles(roles):
        raise AuthError("invalid_claim", 401, f"'roles' must be a list drawn from {sorted(ROLES)}")
    if not isinstance(school, str) or not school:
        raise AuthError("invalid_claim", 401, "'school' must be a non-empty string")
    if uid is not None and (isinstance(uid, bool) or not isinstance(uid, int) or uid <= 0):
        raise AuthError("invalid_claim", 401, "'uid' must be a positive integer")
    if not claims["sub"]:
        raise AuthError("invalid_claim", 401, "'sub' must be a non-empty string")
    return Principal(
        user_id=claims["sub"],
        roles=frozenset(roles),
        school=school,
        uid=uid,
        token_id=claims.get("jti"),
    )


def _known_roles(value: object) -> bool:
    """A non-empty list of role names the platform knows."""
    if not isinstance(value, list) or not value:
        return False
    return all(isinstance(role, str) and role in ROLES for role in value)


def _auth_error(error: jwt.PyJWTError) -> AuthError:
    """The AuthError that explains a PyJWT failure."""
    reason = next((r for kind, r in _REASONS if isinstance(error, kind)), "malformed_token")
    return AuthError(reason, 401, str(error) or reason.replace("_", " "))


class DevTokenIssuer:
    """Mints HS256 tokens for development, demos and tests (never configured in production)."""

    def __init__(
        self,
        secret: str | SecretStr,
        issuer: str = "school-journal",
        audience: str = "school-journal",
    ) -> None:
        value = secret.get_secret_value() if isinstance(secret, SecretStr) else secret
        if len(value.encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"the secret must be at least {MIN_SECRET_BYTES} bytes long")
        self._secret = value
        self._issuer = issuer
        self._audience = audience

    @classmethod
    def from_settings(cls, settings: AuthSettings) -> DevTokenIssuer:
        """The issuer whose tokens a `TokenVerifier` built from `settings` accepts."""
        if settings.mode != "dev" or settings.dev_secret is None:
            raise ValueError("only auth.mode=dev has a development issuer")
        return cls(settings.dev_secret, settings.issuer, settings.audience)

    def mint(
        self,
        user_id: str,
        roles: Iterable[str],
        school: str,
        *,
        uid: int | None = None,
        ttl: timedelta = timedelta(hours=12),
        now: datetime | None = None,
    ) -> str:
        """A signed token; `now` (aware) lets tests mint tokens that are already expired."""
        role_list = sorted(set(roles))
        if not role_list or not ROLES.issuperset(role_list):
            raise ValueError(f"roles must be a non-empty subset of {sorted(ROLES)}")
        issued = now or datetime.now(UTC)
        claims: dict[str, Any] = {
            "sub": user_id,
            "roles": role_list,
            "school": school,
            "iss": self._issuer,
            "aud": self._audience,
            "iat": issued,
            "exp": issued + ttl,
            "jti": uuid.uuid4().hex,
        }
        if uid is not None:
            claims["uid"] = uid
        return jwt.encode(claims, self._secret, algorithm=DEV_ALGORITHM)


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
