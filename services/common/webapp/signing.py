"""The token issuers of the web apps: the development secret, or a private key the services
trust. A web app signs a person in, then calls the APIs with a token it minted for them."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, Protocol

import jwt
from pydantic import BaseModel, ConfigDict, model_validator

from services.common.dev_tokens import DevTokenIssuer
from services.common.settings import AuthSettings


class TokenIssuer(Protocol):
    """Mints the token the APIs verify, for a person the web app has signed in."""

    def mint(
        self,
        user_id: str,
        roles: Iterable[str],
        school: str,
        *,
        ttl: timedelta,
        uid: int | None = None,
    ) -> str:
        """A signed token for the person (`uid`: a portal user's UID)."""
        ...


class SigningSettings(BaseModel):
    """How the web signs the tokens it sends the APIs on a person's behalf.

    `dev`: HS256 with the development secret the services share (`auth.dev_secret`).
    `key`: ES256 or RS256 with a private key (PEM file) whose public half, under `kid`, is in
    the JSON Web Key Set the services verify against (`<SERVICE>_AUTH__JWKS_PATH`)."""

    model_config = ConfigDict(frozen=True)

    mode: Literal["dev", "key"] = "dev"
    private_key_path: Path | None = None
    key_id: str | None = None
    algorithm: Literal["ES256", "RS256"] = "ES256"

    @model_validator(mode="after")
    def _check_key(self) -> SigningSettings:
        if self.mode == "key" and (self.private_key_path is None or not self.key_id):
            raise ValueError("signing.mode=key needs signing.private_key_path and signing.key_id")
        return self


class KeyTokenIssuer:
    """Signs tokens with a private key (ES256 or RS256); the services verify them with
    the public key published under `key_id` in their JSON Web Key Set."""

    def __init__(
        self, private_key_pem: bytes, key_id: str, algorithm: str, issuer: str, audience: str
    ) -> None:
        self._key = private_key_pem
        self._key_id = key_id
        self._algorithm = algorithm
        self._issuer = issuer
        self._audience = audience

    def mint(
        self,
        user_id: str,
        roles: Iterable[str],
        school: str,
        *,
        ttl: timedelta,
        uid: int | None = None,
    ) -> str:
        """A signed token for the person (with the `uid` claim for a portal user)."""
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
        if uid is not None:
            claims["uid"] = uid
        return jwt.encode(
            claims, self._key, algorithm=self._algorithm, headers={"kid": self._key_id}
        )


def token_issuer(signing: SigningSettings, auth: AuthSettings) -> TokenIssuer:
    """The issuer the settings choose; the key file is read once, at start."""
    if signing.mode == "dev":  # its `mint` is the protocol's (and lets tests choose `now`)
        return DevTokenIssuer.from_settings(auth)
    if signing.private_key_path is None or signing.key_id is None:  # the settings refuse it
        raise ValueError("signing.mode=key needs signing.private_key_path and signing.key_id")
    return KeyTokenIssuer(
        signing.private_key_path.read_bytes(),
        signing.key_id,
        signing.algorithm,
        auth.issuer,
        auth.audience,
    )
