"""Fixtures for tests on real servers (loaded by `-p tests.support.fixtures`).

Servers are per session, names per test:

- `nats_url`: `$NATS_URL` if set, otherwise a private nats-server on a free loopback port with a
  temporary store, killed and deleted at the end. The `js` fixture deletes every stream on the
  server, so point `NATS_URL` only at a disposable server.
- `database_url`: a fresh `test_<hex>` database on the server of `$DATABASE_URL` (default
  `postgresql://postgres@127.0.0.1:5432/postgres`), dropped WITH (FORCE) at the end.
- `nats_client`, `js`: a connection per test; `js` starts every test on fresh, empty streams.
- `pg_schema`, `pg_pool`: an empty schema per test and a pool whose search_path is that schema.
- `key_store`: the session database's key store of personal data (schema `keystore`, where the
  services a test starts on `database_url` find it too). Shared by every test of the session:
  a test that erases someone erases a person of its own (a school or ids no other test uses).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

import asyncpg
import nats
import pytest
import pytest_asyncio

from contracts.streams import ALL_STREAMS
from services.common.db import create_pool, quote_ident
from services.common.jetstream import ensure_stream
from services.common.keystore_pg import PgKeyStore
from tests.support.servers import DEFAULT_DATABASE_URL, nats_server, temporary_database

if TYPE_CHECKING:
    from nats.aio.client import Client
    from nats.js import JetStreamContext

    from services.common.db import Pool


@pytest.fixture(scope="session")
def nats_url() -> Iterator[str]:
    """URL of the NATS server the tests use (private unless NATS_URL says otherwise)."""
    external = os.environ.get("NATS_URL")
    if external:
        yield external
        return
    with nats_server() as url:
        yield url


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def database_url() -> AsyncIterator[str]:
    """DSN of a database created for this test session and dropped after it."""
    admin_dsn = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    async with temporary_database(admin_dsn) as dsn:
        yield dsn


@pytest_asyncio.fixture(loop_scope="session")
async def nats_client(nats_url: str) -> AsyncIterator[Client]:
    """A connected NATS client, closed after the test."""
    client = await nats.connect(nats_url, name="tests", connect_timeout=5)
    try:
        yield client
    finally:
        await client.close()


@pytest_asyncio.fixture(loop_scope="session")
async def js(nats_client: Client) -> JetStreamContext:
    """JetStream on empty streams: every stream deleted, `ALL_STREAMS` created fresh."""
    context = nats_client.jetstream()
    await fresh_streams(context)
    return context


async def fresh_streams(js: JetStreamContext) -> None:
    """Every stream of the server deleted, `ALL_STREAMS` created empty."""
    # One page at a time: deleting shrinks the list until nothing is left.
    while infos := await js.streams_info():
        for info in infos:
            await js.delete_stream(str(info.config.name))
    for spec in ALL_STREAMS:
        await ensure_stream(js, spec)


@pytest_asyncio.fixture(loop_scope="session")
async def pg_schema(database_url: str) -> AsyncIterator[str]:
    """A unique, empty schema (`t_<hex>`), dropped CASCADE after the test.

    Schemas named after it (`<name>_rebuild_<hex>`, `<name>_old_<hex>`, a test's `<name>_copy`)
    are dropped too, so a failed rebuild leaves nothing behind.
    """
    name = f"t_{secrets.token_hex(6)}"
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(f"CREATE SCHEMA {quote_ident(name)}")
    finally:
        await conn.close()
    yield name
    conn = await asyncpg.connect(database_url)
    try:
        leftovers = await conn.fetch(
            "SELECT nspname FROM pg_namespace WHERE nspname = $1 OR nspname LIKE $1 || '\\_%'",
            name,
        )
        for row in leftovers:
            await conn.execute(f"DROP SCHEMA IF EXISTS {quote_ident(row[0])} CASCADE")
    finally:
        await conn.close()


@pytest_asyncio.fixture(loop_scope="session", scope="session")
async def key_store(database_url: str) -> AsyncIterator[PgKeyStore]:
    """The key store the services started on `database_url` use by default."""
    async with PgKeyStore.at(database_url) as keys:
        yield keys


@pytest_asyncio.fixture(loop_scope="session")
async def pg_pool(database_url: str, pg_schema: str) -> AsyncIterator[Pool]:
    """A pool on the test database whose connections have search_path = `pg_schema`."""
    pool = await create_pool(database_url, pg_schema, min_size=1, max_size=5)
    try:
        yield pool
    finally:
        await pool.close()
