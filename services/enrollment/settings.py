"""The enrollment's configuration, from environment variables prefixed `ENROLLMENT_`."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.common.settings import (
    AuthSettings,
    HttpSettings,
    KeyStoreSettings,
    NatsSettings,
    PostgresSettings,
    WatchdogSettings,
)


class EnrollmentPostgres(PostgresSettings):
    """PostgreSQL: the DSN is required. The read model lives in `schema_name`, the copy of the
    journal roster in `roster_schema` (a projection rebuild swaps a whole schema, so each
    projection has its own)."""

    schema_name: str = "enrollment"
    roster_schema: str = Field(default="enrollment_roster", pattern=r"^[a-z_][a-z0-9_]{0,62}$")


class Settings(BaseSettings):
    """Everything the enrollment process reads from its environment."""

    model_config = SettingsConfigDict(
        env_prefix="ENROLLMENT_", env_nested_delimiter="__", extra="ignore"
    )

    nats: NatsSettings = NatsSettings()
    pg: EnrollmentPostgres
    keys: KeyStoreSettings | None = None
    """The key store (`ENROLLMENT_KEYS__DSN`); unset: the `keystore` schema of `pg`'s database."""
    auth: AuthSettings
    http: HttpSettings = HttpSettings(port=8004)
    log_json: bool = True
    watchdog: WatchdogSettings = WatchdogSettings()
    timezone: str = "Europe/Moscow"
    run_projector: bool = Field(
        default=True,
        description="apply the read model and roster in this process (one per deployment)",
    )
