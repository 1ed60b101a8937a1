"""The settings of signing in to a web app through the city's OpenID Connect provider, shared by
both web apps: `OidcSettings` holds what every app needs (the provider, the client, the timing),
and each app adds the names of the claims it maps (`<PREFIX>_OIDC__…`). `OidcConfig` is what the
shared client and routes read, so an app's own settings class fits as long as it has these."""

from __future__ import annotations

from typing import Literal, Protocol

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, SecretStr, model_validator

TokenAuthMethod = Literal["auto", "client_secret_basic", "client_secret_post"]


class OidcConfig(Protocol):
    """What the shared OpenID Connect client and routes read of an app's settings."""

    @property
    def issuer(self) -> str | None: ...
    @property
    def client_id(self) -> str: ...
    @property
    def client_secret(self) -> SecretStr: ...
    @property
    def scope(self) -> str: ...
    @property
    def public_url(self) -> AnyHttpUrl | None: ...
    @property
    def token_auth_method(self) -> TokenAuthMethod: ...
    @property
    def timeout_seconds(self) -> float: ...
    @property
    def signin_minutes(self) -> float: ...


class OidcSettings(BaseModel):
    """The city's OpenID Connect provider (authorization code flow with PKCE); off when no
    issuer is set. The provider must know the redirect URI `<public_url>/signin/oidc/callback`
    (and, for signing out there too, `<public_url>/signin` as a post-logout redirect URI)."""

    model_config = ConfigDict(frozen=True)

    issuer: str | None = Field(
        default=None,
        description="the provider's issuer URL exactly as its discovery document names it",
    )
    client_id: str = ""
    client_secret: SecretStr = SecretStr("")
    scope: str = Field(
        default="openid profile",
        description="the scopes asked for; they must bring the claims the app maps",
    )
    public_url: AnyHttpUrl | None = Field(
        default=None,
        description="the app's address as people open it (https://diary.city.example); "
        "default: the address of the request that starts signing in",
    )
    token_auth_method: TokenAuthMethod = Field(
        default="auto",
        description="how the client authenticates at the token endpoint; auto: basic if the "
        "provider offers it, else post",
    )
    timeout_seconds: float = Field(
        default=3, gt=0, le=10, description="the longest wait for one answer of the provider"
    )
    signin_minutes: float = Field(
        default=10, gt=0, le=60, description="how long a started sign-in may take at the provider"
    )

    @model_validator(mode="after")
    def _check_client(self) -> OidcSettings:
        if self.issuer is None:
            return self
        if not self.issuer.startswith(("https://", "http://")) or "?" in self.issuer:
            raise ValueError("oidc.issuer must be an http(s) URL without a query")
        if not self.client_id:
            raise ValueError("oidc.issuer needs oidc.client_id (and usually oidc.client_secret)")
        if "openid" not in self.scope.split():
            raise ValueError("oidc.scope must include openid")
        return self
