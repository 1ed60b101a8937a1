"""The portal web's configuration, from environment variables prefixed `PORTAL_`."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import SettingsConfigDict

from services.common.settings import HttpSettings
from services.common.webapp import oidc_settings
from services.common.webapp.settings import WebAppSettings


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


class Settings(WebAppSettings):
    """Everything the portal web process reads from its environment."""

    model_config = SettingsConfigDict(
        env_prefix="PORTAL_", env_nested_delimiter="__", extra="ignore"
    )

    http: HttpSettings = HttpSettings(port=8010)
    api: ApiUrls = ApiUrls()
    oidc: OidcSettings = OidcSettings()
    school: str = Field(
        default="s1",
        description="the school whose diary this portal shows (one portal address per school "
        "in this version)",
    )
    session_days: float = Field(
        default=14,
        gt=0,
        le=30,
        description="a session lasts this long after signing in (a portal token's own limit)",
    )
    dev_sign_in: bool = Field(
        default=False, description="offer the development sign-in page listing the portal users"
    )
