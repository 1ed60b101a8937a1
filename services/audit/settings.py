"""The audit service's configuration, from environment variables prefixed `AUDIT_`."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from services.common.service_settings import SchoolSideSettings
from services.common.settings import HttpSettings, PostgresSettings


class AuditPostgres(PostgresSettings):
    """PostgreSQL: the DSN is required. The event log of every stream lives in `schema_name`
    (rebuilt as a whole: its four projections are replayed into a fresh schema, then swapped in)."""

    schema_name: str = "audit"


class Settings(SchoolSideSettings):
    """Everything the audit process reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="AUDIT_")

    pg: AuditPostgres
    http: HttpSettings = HttpSettings(port=8005)
    run_projector: bool = Field(
        default=True,
        description="apply the event log in this process (one per deployment)",
    )
    run_anchoring: bool = Field(
        default=True,
        description="seal and sign the streams' days in this process (one per deployment; "
        "the key comes from AUDIT_SIGNING_KEY, see application.anchoring.SigningSettings)",
    )
