"""The databases of one PostgreSQL server: a DSN naming another of them, and creating one.

The launcher, the compose file's provisioning step and the tests each give every service a
database of its own on one server; they share these two rules.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import asyncpg

from services.common.db import quote_ident


def with_database(dsn: str, database: str) -> str:
    """The same server DSN pointing at another database."""
    parts = urlsplit(dsn)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, parts.fragment))


async def create_database(admin: asyncpg.Connection[asyncpg.Record], database: str) -> bool:
    """Create `database` on `admin`'s server unless it exists; whether it was created. A name
    that is not a plain identifier (lowercase letters, digits, «_») is refused (ValueError)."""
    if await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database):
        return False
    await admin.execute(f"CREATE DATABASE {quote_ident(database)}")
    return True
