"""Verifying a bearer token (`services.common.auth` says what a token must hold): its signature
(the development secret, or the JSON Web Key Set's key its `kid` names), its time, issuer,
audience and lifetime, then the journal's own claims."""

from __future__ import annotations

import json
import time
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import jwt
from jwt.exceptions import InvalidJTIError, InvalidSubjectError

from contracts.roles import ROLES
from services.common.auth import DEV_ALGORITHM, AuthError, Principal
from services.common.settings import AuthSettings

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
