"""The audit service's configuration, from environment variables prefixed `AUDIT_`."""

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


class AuditPostgres(PostgresSettings):
    """PostgreSQL: the DSN is required. The event log of every stream lives in `schema_name`
    (rebuilt as a whole: its four projections are replayed into a fresh schema, then swapped in)."""

    schema_name: str = "audit"


class Settings(BaseSettings):
    """Everything the audit process reads from its environment."""

    model_config = SettingsConfigDict(
        env_prefix="AUDIT_", env_nested_delimiter="__", extra="ignore"
    )

    nats: NatsSettings = NatsSettings()
    pg: AuditPostgres
    keys: KeyStoreSettings | None = None
    """The key store (`AUDIT_KEYS__DSN`); unset: the `keystore` schema of `pg`'s database."""
    auth: AuthSettings
    http: HttpSettings = HttpSettings(port=8005)
    log_json: bool = True
    watchdog: WatchdogSettings = WatchdogSettings()
    timezone: str = "Europe/Moscow"
    run_projector: bool = Field(
        default=True,
        description="apply the event log in this process (one per deployment)",
    )
    run_anchoring: bool = Field(
        default=True,
        description="seal and sign the streams' days in this process (one per deployment; "
        "the key comes from AUDIT_SIGNING_KEY, see application.anchoring.SigningSettings)",
    )
