from __future__ import annotations

import pytest_asyncio

from tests.support.journal import seed_small_school
from tests.support.running import running_journal


@pytest_asyncio.fixture(loop_scope="session")
async def journal(nats_url, database_url, pg_schema, js):
    """The journal over HTTP on fresh streams and a fresh schema, with the small test school."""
    async with running_journal(nats_url, database_url, pg_schema) as running:
        await seed_small_school(running.runtime.deps)
        await running.runtime.projector.drain()  # the school as the tests' reads find it
        yield running
