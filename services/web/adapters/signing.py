"""The token issuers of the web: the development secret, or a private key the services trust."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from services.common.auth import DevTokenIssuer
from services.common.settings import AuthSettings
from services.web.application.ports import TokenIssuer
from services.web.settings import SigningSettings


class KeyTokenIssuer:
    """Signs staff tokens with a private key (ES256 or RS256); the services verify them with
    the public key published under `key_id` in their JSON Web Key Set."""

    def __init__(
        self, private_key_pem: bytes, key_id: str, algorithm: str, issuer: str, audience: str
    ) -> None:
        self._key = private_key_pem
        self._key_id = key_id
        self._algorithm = algorithm
        self._issuer = issuer
        self._audience = audience

    def mint(self, user_id: str, roles: Iterable[str], school: str, *, ttl: timedelta) -> str:
        """A signed token for the person."""
        issued = datetime.now(UTC)
        claims: dict[str, Any] = {
            "sub": user_id,
            "roles": sorted(set(roles)),
            "school": school,
            "iss": self._issuer,
            "aud": self._audience,
            "iat": issued,
            "exp": issued + ttl,
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode(
            claims, self._key, algorithm=self._algorithm, headers={"kid": self._key_id}
        )


class _DevIssuer:
    """`DevTokenIssuer` under the web's issuer protocol."""

    def __init__(self, auth: AuthSettings) -> None:
        self._issuer = DevTokenIssuer.from_settings(auth)

    def mint(self, user_id: str, roles: Iterable[str], school: str, *, ttl: timedelta) -> str:
        return self._issuer.mint(user_id, roles, school, ttl=ttl)


def token_issuer(signing: SigningSettings, auth: AuthSettings) -> TokenIssuer:
    """The issuer the settings choose; the key file is read once, at start."""
    if signing.mode == "dev":
        return _DevIssuer(auth)
    if signing.private_key_path is None or signing.key_id is None:  # the settings refuse it
        raise ValueError("signing.mode=key needs signing.private_key_path and signing.key_id")
    return KeyTokenIssuer(
        signing.private_key_path.read_bytes(),
        signing.key_id,
        signing.algorithm,
        auth.issuer,
        auth.audience,
    )
