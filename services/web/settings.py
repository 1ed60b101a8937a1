"""The school web's configuration, from environment variables prefixed `WEB_`."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.common.settings import MIN_SECRET_BYTES, AuthSettings, HttpSettings
from services.common.webapp import oidc_settings
from services.common.webapp.signing import SigningSettings


class ApiUrls(BaseModel):
    """Where the services' HTTP APIs listen (`WEB_API__JOURNAL=http://journal:8001`, …)."""

    model_config = ConfigDict(frozen=True)

    journal: str = "http://127.0.0.1:8001"
    enrollment: str = "http://127.0.0.1:8004"
    exporter: str = "http://127.0.0.1:8003"
    audit: str = "http://127.0.0.1:8005"


class OidcSettings(oidc_settings.OidcSettings):
    """The city's OpenID Connect provider for the school's pages (off when no issuer is set).
    The claims name the member of staff, their roles and their school.

    `WEB_OIDC__ISSUER=https://id.city.example`, `WEB_OIDC__CLIENT_ID`, `WEB_OIDC__CLIENT_SECRET`;
    the provider must know the redirect URI `<public_url>/signin/oidc/callback` (and, for
    signing out there too, `<public_url>/signin` as a post-logout redirect URI)."""

    scope: str = Field(
        default="openid profile",
        description="the scopes asked for; they must bring the staff id, roles, school and name",
    )
    staff_id_claim: str = "sub"
    roles_claim: str = "roles"
    school_claim: str = "school"
    name_claim: str = "name"


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
