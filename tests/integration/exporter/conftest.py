"""Fixtures of the exporter's integration tests: a journal on JetStream, an exporter runtime."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from contracts.streams import HOMEWORK_FILES_BUCKET, JOURNAL
from services.common.eventstore_jetstream import JetStreamEventStore
from services.common.jetstream import open_bucket
from services.exporter import bootstrap
from services.journal.adapters.object_store import ObjectStoreFiles
from services.journal.application.ports import Deps
from tests.support.journal import in_memory_deps, seed_small_school
from tests.support.running import exporter_settings


@pytest_asyncio.fixture(loop_scope="session")
async def journal(js, key_store) -> Deps:
    """The journal's handlers on the real JOURNAL stream and homework bucket, a school seeded."""
    files = ObjectStoreFiles(await open_bucket(js, HOMEWORK_FILES_BUCKET))
    store = JetStreamEventStore(js, JOURNAL.name)
    deps = in_memory_deps(store, files=files, max_bytes=10**6, keys=key_store)
    await seed_small_school(deps)
    return deps


@pytest_asyncio.fixture(loop_scope="session")
async def exporter(js, nats_url, database_url, pg_schema) -> AsyncIterator[bootstrap.Runtime]:
    """The exporter's runtime (no schedule) on the test's schema."""
    settings = exporter_settings(nats_url, database_url, pg_schema, "x" * 32)
    async with bootstrap.build(settings) as runtime:
        yield runtime
