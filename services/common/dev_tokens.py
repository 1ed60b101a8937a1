"""The development token issuer: HS256 tokens for development, demos and tests, signed with
the shared secret a `TokenVerifier` in `auth.mode=dev` accepts."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from pydantic import SecretStr

from contracts.roles import ROLES
from services.common.auth import DEV_ALGORITHM
from services.common.settings import MIN_SECRET_BYTES, AuthSettings


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
