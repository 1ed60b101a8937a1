"""Reusable configuration sections that every service nests in its own `BaseSettings`.

These are plain pydantic models (not `BaseSettings`), so a service reads them under its own
prefix with `env_nested_delimiter="__"`, e.g. `JOURNAL_NATS__URL`, `JOURNAL_AUTH__DEV_SECRET`.
A service also declares a plain `log_json: bool = True` field of its own.
Required values have no default, so a missing variable fails when the process starts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

MIN_SECRET_BYTES = 32
"""HS256 keys shorter than the hash (32 bytes) are insecure; PyJWT warns about them."""


class NatsSettings(BaseModel):
    """Where the NATS server (with JetStream) listens."""

    model_config = ConfigDict(frozen=True)

    url: str = "nats://127.0.0.1:4222"


class PostgresSettings(BaseModel):
    """The service's PostgreSQL database; each service subclasses it to default its schema."""

    model_config = ConfigDict(frozen=True)

    dsn: str = Field(min_length=1, description="postgresql://user:password@host:port/database")
    schema_name: str = Field(pattern=r"^[a-z_][a-z0-9_]{0,62}$")


class AuthSettings(BaseModel):
    """How bearer tokens are verified: a shared development secret or a JSON Web Key Set file."""

    model_config = ConfigDict(frozen=True)

    mode: Literal["dev", "jwks"] = "dev"
    dev_secret: SecretStr | None = Field(
        default=None, description="HS256 secret of the development issuer (mode=dev)"
    )
    jwks_path: Path | None = Field(
        default=None, description="JSON Web Key Set file with the issuer's public keys (mode=jwks)"
    )
    issuer: str = "school-journal"
    audience: str = "school-journal"
    leeway_seconds: int = Field(default=30, ge=0, le=300)

    @model_validator(mode="after")
    def _check_mode(self) -> AuthSettings:
        """Fail at start when the chosen mode lacks what it needs."""
        if self.mode == "dev":
            if self.dev_secret is None:
                raise ValueError("auth.mode=dev needs auth.dev_secret (the HS256 shared secret)")
            if len(self.dev_secret.get_secret_value().encode()) < MIN_SECRET_BYTES:
                raise ValueError(f"auth.dev_secret must be at least {MIN_SECRET_BYTES} bytes long")
        elif self.jwks_path is None:
            raise ValueError("auth.mode=jwks needs auth.jwks_path (a JSON Web Key Set file)")
        elif not self.jwks_path.is_file():
            raise ValueError(f"auth.jwks_path {str(self.jwks_path)!r} is not a readable file")
        return self


class HttpSettings(BaseModel):
    """Where the service's HTTP API listens; each service gives its own default port."""

    model_config = ConfigDict(frozen=True)

    host: str = "127.0.0.1"
    port: int = Field(ge=0, le=65535)
