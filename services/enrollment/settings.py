"""The enrollment's configuration, from environment variables prefixed `ENROLLMENT_`."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from services.common.service_settings import SchoolSideSettings
from services.common.settings import HttpSettings, PostgresSettings


class EnrollmentPostgres(PostgresSettings):
    """PostgreSQL: the DSN is required. The read model lives in `schema_name`, the copy of the
    journal roster in `roster_schema` (a projection rebuild swaps a whole schema, so each
    projection has its own)."""

    schema_name: str = "enrollment"
    roster_schema: str = Field(default="enrollment_roster", pattern=r"^[a-z_][a-z0-9_]{0,62}$")


class Settings(SchoolSideSettings):
    """Everything the enrollment process reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="ENROLLMENT_")

    pg: EnrollmentPostgres
    http: HttpSettings = HttpSettings(port=8004)
    run_projector: bool = Field(
        default=True,
        description="apply the read model and roster in this process (one per deployment)",
    )
