"""The school web's configuration, from environment variables prefixed `WEB_`."""

from __future__ import annotations

from typing import Literal

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.common.settings import MIN_SECRET_BYTES, AuthSettings, HttpSettings
from services.common.webapp.signing import SigningSettings


class ApiUrls(BaseModel):
    """Where the services' HTTP APIs listen (`WEB_API__JOURNAL=http://journal:8001`, …)."""

    model_config = ConfigDict(frozen=True)

    journal: str = "http://127.0.0.1:8001"
    enrollment: str = "http://127.0.0.1:8004"
    exporter: str = "http://127.0.0.1:8003"
    audit: str = "http://127.0.0.1:8005"


class OidcSettings(BaseModel):
    """The city's OpenID Connect provider (authorization code flow with PKCE); off when no
    issuer is set. The claims name the member of staff, their roles and their school.

    `WEB_OIDC__ISSUER=https://id.city.example`, `WEB_OIDC__CLIENT_ID`, `WEB_OIDC__CLIENT_SECRET`;
    the provider must know the redirect URI `<public_url>/signin/oidc/callback` (and, for
    signing out there too, `<public_url>/signin` as a post-logout redirect URI)."""

    model_config = ConfigDict(frozen=True)

    issuer: str | None = Field(
        default=None,
        description="the provider's issuer URL exactly as its discovery document names it",
    )
    client_id: str = ""
    client_secret: SecretStr = SecretStr("")
    scope: str = Field(
        default="openid profile",
        description="the scopes asked for; they must bring the staff id, roles, school and name",
    )
    staff_id_claim: str = "sub"
    roles_claim: str = "roles"
    school_claim: str = "school"
    name_claim: str = "name"
    public_url: AnyHttpUrl | None = Field(
        default=None,
        description="the web's address as people open it (https://journal.city.example); "
        "default: the address of the request that starts signing in",
    )
    token_auth_method: Literal["auto", "client_secret_basic", "client_secret_post"] = Field(
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


class Settings(BaseSettings):
    """Everything the school web process reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="WEB_", env_nested_delimiter="__", extra="ignore")

    http: HttpSettings = HttpSettings(port=8000)
    api: ApiUrls = ApiUrls()
    auth: AuthSettings
    signing: SigningSettings = SigningSettings()
    oidc: OidcSettings = OidcSettings()
    session_secret: SecretStr = Field(
        description="signs the session cookie (at least 32 bytes; the same on every replica)"
    )
    session_hours: float = Field(
        default=8, gt=0, le=12, description="a session lasts this long after signing in"
    )
    secure_cookies: bool = Field(
        default=False, description="send cookies over HTTPS only (true in production)"
    )
    dev_sign_in: bool = Field(
        default=False, description="offer the development sign-in page listing the staff"
    )
    dev_school: str = Field(
        default="s1", description="the school whose staff the development sign-in page lists"
    )
    year: int | None = Field(
        default=None,
        ge=2000,
        le=2100,
        description="the school year pages open on (default: today's)",
    )
    timezone: str = "Europe/Moscow"
    log_json: bool = True

    @model_validator(mode="after")
    def _check_secret(self) -> Settings:
        if len(self.session_secret.get_secret_value().encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"session_secret must be at least {MIN_SECRET_BYTES} bytes long")
        if self.signing.mode == "dev" and self.auth.mode != "dev":
            raise ValueError("signing.mode=dev needs auth.mode=dev (the shared dev secret)")
        return self
