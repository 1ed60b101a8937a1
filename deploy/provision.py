"""`python -m deploy.provision`: prepare NATS and PostgreSQL for the services, then exit.

The one-shot `provision` service of `docker-compose.yml` runs it before the services start:

1. JetStream: every stream of `contracts.streams.ALL_STREAMS` (created, or brought back to the
   configuration in code), the Object Store buckets of homework files (school and diary side)
   and the Key-Value bucket of idempotency keys (created with the default 48 hours; an existing
   one keeps its max age, which the services own: `<PREFIX>_NATS__IDEMPOTENCY_KEY_HOURS`).
2. PostgreSQL: one database per service (`journal`, `diary`, `exporter`, `enrollment`,
   `audit`) and the school side's key store (`keys`, schema `keystore`) on the server of
   `PROVISION_PG__DSN` (an administrator's DSN), each migrated in its own schema exactly as the
   service does at start-up (`services.common.db.migrate`, projector tables first).

Everything is idempotent (a second run changes nothing) and waits, bounded by
`PROVISION_WAIT_SECONDS` (default 120), until NATS and PostgreSQL answer. The services still
provision what they need themselves at start-up; this step makes the order explicit and fails
the deployment early, with one clear message, when something is wrong.

Environment: `PROVISION_NATS__URL` (default `nats://127.0.0.1:4222`; a cluster's servers
separated by commas), `PROVISION_NATS__REPLICAS` (copies of every stream and bucket: 1, or 3 on a
three-node cluster), `PROVISION_PG__DSN` (required, e.g.
`postgresql://postgres:secret@postgres:5432/postgres`), `PROVISION_WAIT_SECONDS`.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import asyncpg
import nats
from nats.js.errors import BucketNotFoundError

from contracts.streams import ALL_STREAMS, BUCKETS, IDEMPOTENCY_KEYS_BUCKET, IDEMPOTENCY_KEYS_HOURS
from deploy.databases import create_database, with_database
from services.common.db import PROJECTOR_MIGRATIONS, create_pool, migrate
from services.common.jetstream import ensure_stream, open_bucket, open_key_value, servers_of

if TYPE_CHECKING:
    from nats.js import JetStreamContext

T = TypeVar("T")
DEFAULT_WAIT_SECONDS = 120.0
RETRY_PAUSE_SECONDS = 1.0


@dataclass(frozen=True)
class ServiceDatabase:
    """A service's database, its schema and the package whose `migrations/` it applies."""

    database: str
    schema: str
    package: str
    folder: str = "migrations"

    @property
    def migrations(self) -> Path:
        """The service's migration folder (next to its package's `__init__.py`)."""
        module = importlib.import_module(self.package)
        return Path(str(module.__file__)).parent / self.folder


SERVICE_DATABASES: tuple[ServiceDatabase, ...] = (
    ServiceDatabase("journal", "journal", "services.journal"),
    ServiceDatabase("diary", "diary", "services.diary"),
    ServiceDatabase("exporter", "exporter", "services.exporter"),
    ServiceDatabase("enrollment", "enrollment", "services.enrollment"),
    ServiceDatabase("audit", "audit", "services.audit"),
    # The school side's key store (`services.common.keystore`), shared by journal, enrollment,
    # exporter and audit; never the diary's.
    ServiceDatabase("keys", "keystore", "services.common", "keystore_migrations"),
)


class ProvisionError(Exception):
    """NATS or PostgreSQL did not answer in time, or refused what was asked."""


def say(message: str) -> None:
    """One progress line on standard output (unbuffered for the container's log)."""
    print(f"provision: {message}", flush=True)


async def retrying(what: str, attempt: Callable[[], Awaitable[T]], deadline: float) -> T:
    """`attempt()` again after each failure until it succeeds or `deadline` (monotonic) passes."""
    failures = 0
    while True:
        try:
            return await attempt()
        except Exception as error:  # any failure of a server that is still starting
            failures += 1
            if time.monotonic() >= deadline:
                msg = f"{what}: gave up after {failures} attempts: {error!r}"
                raise ProvisionError(msg) from error
            if failures == 1 or failures % 10 == 0:
                say(f"{what}: not yet ({error!r}); retrying")
            await asyncio.sleep(RETRY_PAUSE_SECONDS)


async def ensure_key_ledger(js: JetStreamContext, replicas: int) -> None:
    """The bucket of idempotency keys with the default max age, unless it exists: its max age
    is the services' setting, which a deployment may have changed (resetting it here would
    drop keys the services promise to keep)."""
    try:
        await js.key_value(IDEMPOTENCY_KEYS_BUCKET)
    except BucketNotFoundError:
        max_age = IDEMPOTENCY_KEYS_HOURS * 3600
        await open_key_value(
            js, IDEMPOTENCY_KEYS_BUCKET, max_age_seconds=max_age, replicas=replicas
        )


async def provision_nats(url: str, deadline: float, replicas: int = 1) -> None:
    """Every stream and bucket (with `replicas` copies), once NATS (with JetStream) answers."""

    async def attempt() -> None:
        nc = await nats.connect(
            servers_of(url), name="provision", allow_reconnect=False, connect_timeout=2
        )
        try:
            js = nc.jetstream()
            for spec in ALL_STREAMS:
                info = await ensure_stream(js, spec, replicas=replicas)
                say(f"stream {spec.name} ready ({info.state.messages} messages)")
            for bucket in BUCKETS:
                await open_bucket(js, bucket, replicas=replicas)
                say(f"Object Store bucket {bucket} ready")
            await ensure_key_ledger(js, replicas)
            say(f"Key-Value bucket {IDEMPOTENCY_KEYS_BUCKET} ready")
        finally:
            await nc.close()

    await retrying(f"NATS at {url}", attempt, deadline)


async def ensure_database(admin_dsn: str, database: str) -> None:
    """Create `database` on the server of `admin_dsn` unless it exists."""
    connection = await asyncpg.connect(admin_dsn, timeout=2)
    try:
        if await create_database(connection, database):
            say(f"created database {database}")
    finally:
        await connection.close()


async def provision_postgres(admin_dsn: str, deadline: float) -> None:
    """One database per service, migrated in the service's schema."""
    for service in SERVICE_DATABASES:
        database = service.database

        async def create(database: str = database) -> None:
            await ensure_database(admin_dsn, database)

        await retrying(f"PostgreSQL database {database}", create, deadline)
        pool = await create_pool(with_database(admin_dsn, database), service.schema, max_size=2)
        try:
            applied = await migrate(pool, service.schema, PROJECTOR_MIGRATIONS, service.migrations)
        finally:
            await pool.close()
        done = ", ".join(applied) if applied else "nothing new"
        say(f"database {database}, schema {service.schema} migrated ({done})")


async def provision(nats_url: str, admin_dsn: str, wait_seconds: float, replicas: int = 1) -> None:
    """NATS, then PostgreSQL, within one deadline."""
    deadline = time.monotonic() + wait_seconds
    await provision_nats(nats_url, deadline, replicas)
    await provision_postgres(admin_dsn, deadline)


def main(argv: Sequence[str] | None = None) -> int:
    """Provision from the environment; 0 when everything is in place, 1 (with why) when not."""
    if argv:
        print(__doc__)
        return 0 if argv[0] in {"-h", "--help"} else 2
    admin_dsn = os.environ.get("PROVISION_PG__DSN", "")
    if not admin_dsn:
        say("FAILED: PROVISION_PG__DSN is not set (an administrator's PostgreSQL DSN)")
        return 1
    nats_url = os.environ.get("PROVISION_NATS__URL", "nats://127.0.0.1:4222")
    wait_seconds = float(os.environ.get("PROVISION_WAIT_SECONDS", DEFAULT_WAIT_SECONDS))
    replicas = int(os.environ.get("PROVISION_NATS__REPLICAS", "1"))
    try:
        asyncio.run(provision(nats_url, admin_dsn, wait_seconds, replicas))
    except (ProvisionError, OSError, asyncpg.PostgresError) as error:
        say(f"FAILED: {error}")
        return 1
    say("done")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
