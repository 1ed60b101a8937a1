"""The school web's configuration, from environment variables prefixed `WEB_`."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import SettingsConfigDict

from services.common.settings import HttpSettings
from services.common.webapp import oidc_settings
from services.common.webapp.settings import WebAppSettings


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


class Settings(WebAppSettings):
    """Everything the school web process reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="WEB_", env_nested_delimiter="__", extra="ignore")

    http: HttpSettings = HttpSettings(port=8000)
    api: ApiUrls = ApiUrls()
    oidc: OidcSettings = OidcSettings()
    session_hours: float = Field(
        default=8, gt=0, le=12, description="a session lasts this long after signing in"
    )
    dev_sign_in: bool = Field(
        default=False, description="offer the development sign-in page listing the staff"
    )
    dev_school: str = Field(
        default="s1", description="the school whose staff the development sign-in page lists"
    )
