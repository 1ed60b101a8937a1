"""The exporter's configuration, from environment variables prefixed `EXPORTER_`."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from contracts.streams import DIARY_FILES_BUCKET
from services.common.service_settings import SchoolSideSettings
from services.common.settings import HttpSettings, PostgresSettings
from services.exporter.domain.pseudonym import MIN_KEY_BYTES

_TIME = r"^([01]\d|2[0-3]):[0-5]\d$"


class ExporterPostgres(PostgresSettings):
    """PostgreSQL: the DSN is required; the exporter owns the schema `exporter`."""

    schema_name: str = "exporter"


class Settings(SchoolSideSettings):
    """Everything the exporter process reads from its environment.

    The schedule is read flat, as `EXPORTER_DAILY_AT`, `EXPORTER_MONTHLY_DAY`, ...
    """

    model_config = SettingsConfigDict(env_prefix="EXPORTER_")

    pg: ExporterPostgres
    http: HttpSettings = HttpSettings(port=8003)
    pseudonym_key: SecretStr = Field(
        description=f"HMAC key of pupil pseudonyms (at least {MIN_KEY_BYTES} bytes); never change"
    )
    schedule_enabled: bool = True
    daily_at: str = Field(default="19:00", pattern=_TIME)
    monthly_day: int = Field(default=1, ge=1, le=31)
    monthly_at: str = Field(default="20:00", pattern=_TIME)
    retry_attempts: int = Field(default=3, ge=1, le=20)
    retry_delay_seconds: float = Field(default=60.0, ge=0)
    publish_window: int = Field(default=256, ge=1, le=10_000)
    grants_follow: bool = Field(
        default=True,
        description="keep the portal's access grants in step with the enrollment and the "
        "journal while the service runs (one-shot commands turn it off)",
    )
    grants_poll_seconds: float = Field(
        default=0.5,
        gt=0,
        le=60,
        description="how often the grant sync looks for news it was not told about",
    )
    files_bucket: str = DIARY_FILES_BUCKET
    journal_url: str = Field(
        default="http://127.0.0.1:8001", description="the journal's API, for the diary check"
    )
    diary_url: str = Field(
        default="http://127.0.0.1:8002", description="the diary's API, for the diary check"
    )
    service_token: SecretStr | None = Field(
        default=None,
        description="bearer token (role system) for the diary check's calls; minted by the "
        "development issuer when unset in auth mode dev",
    )

    @property
    def access_schema(self) -> str:
        """The schema of the projection of links and staff UIDs (rebuilt by a schema swap, so
        apart from the export state's)."""
        return f"{self.pg.schema_name}_access"

    @field_validator("pseudonym_key")
    @classmethod
    def _long_enough(cls, key: SecretStr) -> SecretStr:
        if len(key.get_secret_value().encode()) < MIN_KEY_BYTES:
            msg = f"pseudonym_key must be at least {MIN_KEY_BYTES} bytes long"
            raise ValueError(msg)
        return key
