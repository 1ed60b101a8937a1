"""The journal's configuration, from environment variables prefixed `JOURNAL_`."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field
from pydantic_settings import SettingsConfigDict

from contracts.media import DEFAULT_MEDIA_TYPES
from services.common.service_settings import SchoolSideSettings
from services.common.settings import HttpSettings, PostgresSettings


class JournalPostgres(PostgresSettings):
    """PostgreSQL: the DSN is required; the journal owns the schema `journal`."""

    schema_name: str = "journal"


class FileSettings(BaseModel):
    """Limits of homework files."""

    max_bytes: int = Field(default=10 * 1024 * 1024, ge=1)
    media_types: frozenset[str] = DEFAULT_MEDIA_TYPES


class CheckSettings(BaseModel):
    """The school's rules for the monthly check (`JOURNAL_CHECK__...`)."""

    absence_reason_days: int = Field(
        default=3, ge=0, le=60, description="days an absence may stay without a reason"
    )
    homework_from_grade: int | None = Field(
        default=None,
        ge=1,
        le=11,
        description="homework is required at every lesson of this grade and above (None: never)",
    )


class RetentionSettings(BaseModel):
    """Retention by rule (`JOURNAL_RETENTION__...`): personal data erased when its purpose ends."""

    leaver_years: int | None = Field(
        default=None,
        ge=0,
        le=100,
        description="erase a pupil's personal data this many years after they left the school "
        "(None: never by rule)",
    )
    at: dt.time = Field(
        default=dt.time(3, 30), description="the daily run's local time (JOURNAL_TIMEZONE)"
    )
    schedule: bool = Field(
        default=True, description="run the rule daily in this process (under a lease)"
    )


class ArchiveSettings(BaseModel):
    """The printed archive of every sealed year (`JOURNAL_ARCHIVE__...`), kept in the
    `journal-archive` bucket."""

    watch: bool = Field(
        default=True, description="print and keep the archive of a sealed year in this process"
    )
    check_seconds: float = Field(
        default=60.0, gt=0, description="how often the watch looks for a sealed year to archive"
    )


class Settings(SchoolSideSettings):
    """Everything the journal process reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="JOURNAL_")

    pg: JournalPostgres
    http: HttpSettings = HttpSettings(port=8001)
    files: FileSettings = FileSettings()
    check: CheckSettings = CheckSettings()
    retention: RetentionSettings = RetentionSettings()
    archive: ArchiveSettings = ArchiveSettings()
    run_projector: bool = Field(
        default=True, description="apply the journal view in this process (one per deployment)"
    )
