"""The city's OpenID Connect provider, through Authlib's Starlette client (httpx underneath).

Authlib does the protocol: discovery, the authorization URL with `state`, `nonce` and the PKCE
S256 challenge, the code exchange with the verifier, and the ID token's validation (signature by
the provider's JWKS, `iss`, `aud`, `exp`, `nonce`). What Authlib would keep in a server-side
session (state, nonce, verifier) is handed back to the caller instead, which keeps it in a
signed cookie: a web app runs as several replicas and holds no state. Both web apps use it (the
school staff's and the portal's), each with its own client registration.

An unreachable or misbehaving provider raises `ApiUnavailable("oidc", …)` (the 503 page); an
answer that refuses the person or fails validation raises `OidcRefused`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Final

from authlib.deprecate import AuthlibDeprecationWarning  # type: ignore[import-untyped]
from joserfc.errors import JoseError

with warnings.catch_warnings():
    # Authlib 1.9 announces a move from httpx to its fork httpx2 at import; httpx is the
    # project's HTTP client (and what Authlib uses while httpx2 is not installed). Its own
    # module sets an "always" filter for its warnings when imported, hence after it.
    warnings.filterwarnings("ignore", "The httpx module is deprecated", AuthlibDeprecationWarning)
    from authlib.integrations.httpx_client import _compat  # type: ignore[import-untyped]
    from authlib.integrations.starlette_client import (  # type: ignore[import-untyped]
        OAuth,
        OAuthError,
    )

from services.common.webapp.backends import ApiUnavailable
from services.common.webapp.oidc_settings import OidcConfig

_API: Final = "oidc"
_DISCOVERY: Final = "/.well-known/openid-configuration"
_AUTH_METHODS: Final = ("client_secret_basic", "client_secret_post")
_ENDPOINTS: Final = ("authorization_endpoint", "token_endpoint", "jwks_uri")
# The HTTP errors of the client Authlib calls: httpx2 when installed, else httpx.
_HTTP_ERRORS: Final[tuple[type[Exception], ...]] = (_compat.httpx2.HTTPError, ValueError)
_KEYS_ERRORS: Final[tuple[type[Exception], ...]] = (*_HTTP_ERRORS, RuntimeError)  # no jwks_uri


class OidcRefused(Exception):
    """The provider refused, or its answer did not hold: a machine `reason`, a Russian `detail`."""

    def __init__(self, reason: str, detail: str) -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}")


@dataclass(frozen=True, slots=True)
class AuthorizationStart:
    """Where to send the browser, and what the callback must check it against."""

    url: str
    state: str
    nonce: str
    code_verifier: str


class OidcClient:
    """One provider, one client registration; discovery and keys are fetched once and kept
    (the keys again when a token names a key not yet seen)."""

    def __init__(self, settings: OidcConfig) -> None:
        if settings.issuer is None:
            raise ValueError("OidcClient needs oidc.issuer")
        self._issuer = settings.issuer
        self._settings = settings
        self._app = OAuth().register(
            name="city",
            client_id=settings.client_id,
            client_secret=settings.client_secret.get_secret_value() or None,
            server_metadata_url=settings.issuer.rstrip("/") + _DISCOVERY,
            client_kwargs={
                "scope": settings.scope,
                "code_challenge_method": "S256",
                "timeout": settings.timeout_seconds,
            },
        )

    async def begin(self, redirect_uri: str) -> AuthorizationStart:
        """The authorization URL with a fresh state, nonce and PKCE verifier."""
        await self._metadata()
        start = await self._app.create_authorization_url(redirect_uri)
        return AuthorizationStart(
            url=start["url"],
            state=start["state"],
            nonce=start["nonce"],
            code_verifier=start["code_verifier"],
        )

    async def finish(
        self, code: str, *, redirect_uri: str, code_verifier: str, nonce: str
    ) -> dict[str, Any]:
        """The claims of the validated ID token the code is exchanged for."""
        await self._metadata()
        try:
            token = await self._app.fetch_access_token(
                redirect_uri=redirect_uri, code=code, code_verifier=code_verifier
            )
        except OAuthError as exc:
            raise OidcRefused(
                "oidc_token_refused",
                f"Городская учётная запись не подтвердила вход ({exc.error}).",
            ) from exc
        except _HTTP_ERRORS as exc:  # down, 5xx, or not JSON
            raise ApiUnavailable(_API, f"token endpoint: {exc!r}") from exc
        return await self._id_token_claims(token, nonce)

    async def end_session_url(self, post_logout_redirect_uri: str) -> str | None:
        """The provider's sign-out address, or None when it offers none (or cannot be asked)."""
        try:
            metadata = await self._metadata()
        except ApiUnavailable:
            return None
        if not metadata.get("end_session_endpoint"):
            return None
        logout = await self._app.create_logout_url(
            post_logout_redirect_uri=post_logout_redirect_uri, client_id=self._settings.client_id
        )
        url: str = logout["url"]
        return url

    async def _id_token_claims(self, token: dict[str, Any], nonce: str) -> dict[str, Any]:
        if "id_token" not in token:
            raise OidcRefused("oidc_no_id_token", "Городская учётная запись не прислала ID token.")
        options = {
            "iss": {"essential": True, "value": self._issuer},
            "aud": {"essential": True, "value": self._settings.client_id},
        }
        try:
            claims = await self._app.parse_id_token(token, nonce=nonce, claims_options=options)
        except JoseError as exc:
            raise OidcRefused(
                "oidc_invalid_id_token",
                f"Ответ городской учётной записи не прошёл проверку ({exc.error}).",
            ) from exc
        except _KEYS_ERRORS as exc:
            raise ApiUnavailable(_API, f"keys: {exc!r}") from exc
        return dict(claims)

    async def _metadata(self) -> dict[str, Any]:
        """The discovery document (fetched once), checked to name our issuer; the token endpoint
        authentication chosen from what it offers."""
        try:
            metadata: dict[str, Any] = await self._app.load_server_metadata()
        except _HTTP_ERRORS as exc:
            raise ApiUnavailable(_API, f"discovery: {exc!r}") from exc
        if metadata.get("issuer") != self._issuer:
            raise ApiUnavailable(_API, f"the provider names itself {metadata.get('issuer')!r}")
        missing = [name for name in _ENDPOINTS if not metadata.get(name)]
        if missing:
            raise ApiUnavailable(_API, f"the discovery document lacks {', '.join(missing)}")
        self._app.client_kwargs["token_endpoint_auth_method"] = self._auth_method(metadata)
        return metadata

    def _auth_method(self, metadata: dict[str, Any]) -> str:
        chosen = self._settings.token_auth_method
        if chosen != "auto":
            return chosen
        offered = metadata.get("token_endpoint_auth_methods_supported") or [_AUTH_METHODS[0]]
        return next((m for m in _AUTH_METHODS if m in offered), _AUTH_METHODS[0])
