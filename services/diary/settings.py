"""The diary's configuration, from environment variables prefixed `DIARY_`."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import SettingsConfigDict

from contracts.media import DEFAULT_MEDIA_TYPES
from services.common.service_settings import BackendSettings
from services.common.settings import HttpSettings, PostgresSettings


class DiaryPostgres(PostgresSettings):
    """PostgreSQL: the DSN is required; the diary owns the schema `diary`, and the messages'
    read model lives in `<schema_name>_messages` (its own schema, rebuilt on its own)."""

    schema_name: str = "diary"

    @property
    def messages_schema(self) -> str:
        """The schema of the messages' read model."""
        return f"{self.schema_name}_messages"


class MessageSettings(BaseModel):
    """Limits on messages' attachments (`DIARY_MESSAGES__MAX_FILE_BYTES`, ...)."""

    model_config = ConfigDict(frozen=True)

    max_files: int = Field(default=5, ge=0, le=5, description="files per message")
    max_file_bytes: int = Field(default=5 * 1024 * 1024, ge=1, description="bytes per file")
    media_types: frozenset[str] = Field(
        default=DEFAULT_MEDIA_TYPES, description="media types accepted (checked against the bytes)"
    )


class Settings(BackendSettings):
    """Everything the diary process reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="DIARY_")

    pg: DiaryPostgres
    http: HttpSettings = HttpSettings(port=8002)
    run_projector: bool = Field(
        default=True,
        description="apply the DIARY feed and the PORTAL messages in this process (one per "
        "deployment)",
    )
    messages: MessageSettings = MessageSettings()
