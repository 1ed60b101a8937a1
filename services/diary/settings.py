"""The diary's configuration, from environment variables prefixed `DIARY_`."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.common.settings import AuthSettings, HttpSettings, NatsSettings, PostgresSettings


class DiaryPostgres(PostgresSettings):
    """PostgreSQL: the DSN is required; the diary owns the schema `diary`."""

    schema_name: str = "diary"


class Settings(BaseSettings):
    """Everything the diary process reads from its environment."""

    model_config = SettingsConfigDict(
        env_prefix="DIARY_", env_nested_delimiter="__", extra="ignore"
    )

    nats: NatsSettings = NatsSettings()
    pg: DiaryPostgres
    auth: AuthSettings
    http: HttpSettings = HttpSettings(port=8002)
    log_json: bool = True
    timezone: str = "Europe/Moscow"
    run_projector: bool = Field(
        default=True, description="apply the DIARY feed in this process (one per deployment)"
    )
