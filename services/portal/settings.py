"""The portal web's configuration, from environment variables prefixed `PORTAL_`."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.common.settings import MIN_SECRET_BYTES, AuthSettings, HttpSettings
from services.common.webapp import oidc_settings
from services.common.webapp.signing import SigningSettings


class ApiUrls(BaseModel):
    """Where the diary's API listens (`PORTAL_API__DIARY=http://diary:8002`): the only API the
    portal's pages call; the school side's APIs are never configured here."""

    model_config = ConfigDict(frozen=True)

    diary: str = "http://127.0.0.1:8002"


class OidcSettings(oidc_settings.OidcSettings):
    """The city's OpenID Connect provider for the portal (off when no issuer is set): its own
    client registration (`PORTAL_OIDC__ISSUER`, `PORTAL_OIDC__CLIENT_ID`,
    `PORTAL_OIDC__CLIENT_SECRET`; the redirect URI `<public_url>/signin/oidc/callback`). The
    claims give the portal UID (a number), the portal roles (parent, pupil, teacher) and the
    school; a name is never read: the portal side holds none."""

    scope: str = Field(
        default="openid",
        description="the scopes asked for: they must bring the UID, the roles and the school "
        "(no `profile`: the portal shows no name)",
    )
    uid_claim: str = "uid"
    roles_claim: str = "roles"
    school_claim: str = "school"


class Settings(BaseSettings):
    """Everything the portal web process reads from its environment."""

    model_config = SettingsConfigDict(
        env_prefix="PORTAL_", env_nested_delimiter="__", extra="ignore"
    )

    http: HttpSettings = HttpSettings(port=8010)
    api: ApiUrls = ApiUrls()
    auth: AuthSettings
    signing: SigningSettings = SigningSettings()
    oidc: OidcSettings = OidcSettings()
    school: str = Field(
        default="s1",
        description="the school whose diary this portal shows (one portal address per school "
        "in this version)",
    )
    session_secret: SecretStr = Field(
        description="signs the session cookie (at least 32 bytes; the same on every replica)"
    )
    session_days: float = Field(
        default=14,
        gt=0,
        le=30,
        description="a session lasts this long after signing in (a portal token's own limit)",
    )
    secure_cookies: bool = Field(
        default=False, description="send cookies over HTTPS only (true in production)"
    )
    dev_sign_in: bool = Field(
        default=False, description="offer the development sign-in page listing the portal users"
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
