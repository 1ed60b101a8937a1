"""What both web apps read from their environment alike (each under its own prefix): how they
verify and mint tokens, the session cookie's secret and security, the school year and day."""

from __future__ import annotations

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings

from services.common.settings import MIN_SECRET_BYTES, AuthSettings
from services.common.webapp.signing import SigningSettings


class WebAppSettings(BaseSettings):
    """The settings every web app has; an app adds its APIs, sign-in and session length."""

    auth: AuthSettings
    signing: SigningSettings = SigningSettings()
    session_secret: SecretStr = Field(
        description="signs the session cookie (at least 32 bytes; the same on every replica)"
    )
    secure_cookies: bool = Field(
        default=False, description="send cookies over HTTPS only (true in production)"
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
    def _check_secret(self) -> WebAppSettings:
        if len(self.session_secret.get_secret_value().encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"session_secret must be at least {MIN_SECRET_BYTES} bytes long")
        if self.signing.mode == "dev" and self.auth.mode != "dev":
            raise ValueError("signing.mode=dev needs auth.mode=dev (the shared dev secret)")
        return self
