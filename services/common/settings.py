"""Reusable configuration sections that every service nests in its own `BaseSettings`.

These are plain pydantic models (not `BaseSettings`), so a service reads them under its own
prefix with `env_nested_delimiter="__"`, e.g. `JOURNAL_NATS__URL`, `JOURNAL_AUTH__DEV_SECRET`.
The sections every back-end service has are declared once in `services.common.service_settings`.
Required values have no default, so a missing variable fails when the process starts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from contracts.streams import IDEMPOTENCY_KEYS_HOURS

MIN_SECRET_BYTES = 32
"""HS256 keys shorter than the hash (32 bytes) are insecure; PyJWT warns about them."""
MIB = 1024 * 1024


class NatsSettings(BaseModel):
    """Where the NATS server (with JetStream) listens."""

    model_config = ConfigDict(frozen=True)

    url: str = Field(
        default="nats://127.0.0.1:4222",
        description="the server's URL; on a cluster, several separated by commas (the client "
        "learns the others from the first it reaches, and goes to another when one fails)",
    )
    replicas: int = Field(
        default=1,
        ge=1,
        le=5,
        description="copies of every stream and bucket the service creates: 1 on one server, 3 "
        "on a three-node cluster (every service of an installation says the same); an existing "
        "stream with fewer is raised to it, never lowered",
    )
    request_timeout_seconds: float = Field(
        default=1.5,
        gt=0,
        le=60,
        description="how long a JetStream call (publish, get, stream info) waits for its answer; "
        "short, so that a request meeting a NATS outage answers 503 at once",
    )
    reconnect_wait_seconds: float = Field(
        default=0.5, gt=0, le=30, description="pause between reconnection attempts (forever)"
    )
    pending_bytes: int = Field(
        default=2 * MIB,
        ge=0,
        description="bytes buffered while reconnecting; beyond, a publish fails at once",
    )
    idempotency_key_hours: float = Field(
        default=IDEMPOTENCY_KEYS_HOURS,
        ge=24,
        le=24 * 90,
        description="how long an Idempotency-Key stays bound to its first request (bucket "
        "IDEMPOTENCY_KEYS, shared: give every service the same value); the API promises 24 h",
    )


class PostgresSettings(BaseModel):
    """The service's PostgreSQL database; each service subclasses it to default its schema."""

    model_config = ConfigDict(frozen=True)

    dsn: str = Field(min_length=1, description="postgresql://user:password@host:port/database")
    schema_name: str = Field(pattern=r"^[a-z_][a-z0-9_]{0,62}$")
    connect_timeout_seconds: float = Field(
        default=1.5,
        gt=0,
        le=60,
        description="how long opening a connection may take (a pool reconnects on demand)",
    )


class KeyStoreSettings(PostgresSettings):
    """The school side's key store (`services.common.keystore`): one key per person.

    Every school-side service (journal, enrollment, exporter, audit) must name the same store;
    in production a database of its own, backed up with the installation. Unset, a service uses
    its own database's `keystore` schema (the launcher's and the tests' single database).
    """

    schema_name: str = "keystore"


def key_store_of(keys: KeyStoreSettings | None, pg: PostgresSettings) -> KeyStoreSettings:
    """The key store a service uses: the configured one, or its own database's."""
    return keys or KeyStoreSettings(dsn=pg.dsn, connect_timeout_seconds=pg.connect_timeout_seconds)


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
    max_staff_token_hours: float = Field(
        default=12, gt=0, description="longest lifetime (exp - iat) of a staff token"
    )
    max_portal_token_days: float = Field(
        default=30, gt=0, description="longest lifetime of a portal token (one with a uid)"
    )

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
    body_limit_bytes: int = Field(
        default=MIB, ge=1, description="largest request body, except routes with their own"
    )
    deadline_seconds: float = Field(
        default=10.0,
        gt=0,
        description="a request still running this long after its body arrived answers 503",
    )
    long_deadline_seconds: float = Field(
        default=300.0, gt=0, description="the deadline of routes marked long-running"
    )
    dependency_timeout_seconds: float = Field(
        default=1.5,
        gt=0,
        description="how long a request waits for a PostgreSQL connection from the pool",
    )


class WatchdogSettings(BaseModel):
    """The in-process watchdog (`services.common.watchdog`): a process whose event loop stalls,
    or which stays unready, exits so that its supervisor (compose, the launcher) restarts it.
    Off by default (tests, one-off commands); `<PREFIX>_WATCHDOG__ENABLED=true` turns it on."""

    model_config = ConfigDict(frozen=True)

    enabled: bool = False
    stall_seconds: float = Field(
        default=10.0, gt=0, description="exit when the event loop has not run for this long"
    )
    unready_seconds: float = Field(
        default=30.0, gt=0, description="exit when the readiness checks failed for this long"
    )
    check_seconds: float = Field(default=2.0, gt=0, description="how often readiness is checked")
