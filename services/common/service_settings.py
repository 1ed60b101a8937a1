"""What every back-end service (journal, diary, exporter, enrollment, audit) reads from its
environment alike, each under its own prefix (`JOURNAL_NATS__URL`, `AUDIT_AUTH__DEV_SECRET`):
NATS, how bearer tokens are verified, logs, the watchdog and the school's time zone; on the
school side also the key store. A service's `Settings` subclasses one of these, names its prefix
(`model_config = SettingsConfigDict(env_prefix="JOURNAL_")`) and adds its database (`pg`), its
HTTP port and its own sections. The web apps have theirs (`services.common.webapp.settings`).
"""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

from services.common.settings import AuthSettings, KeyStoreSettings, NatsSettings, WatchdogSettings


class BackendSettings(BaseSettings):
    """The settings every back-end service has."""

    model_config = SettingsConfigDict(env_nested_delimiter="__", extra="ignore")

    nats: NatsSettings = NatsSettings()
    auth: AuthSettings
    log_json: bool = True
    watchdog: WatchdogSettings = WatchdogSettings()
    timezone: str = "Europe/Moscow"


class SchoolSideSettings(BackendSettings):
    """The settings of a service on the school side, where personal data is sealed per person
    (journal, exporter, enrollment, audit): the key store besides."""

    keys: KeyStoreSettings | None = None
    """The key store (`<PREFIX>_KEYS__DSN`); unset: the `keystore` schema of `pg`'s database."""
