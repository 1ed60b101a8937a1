"""Fixtures of the enrollment's integration tests: a journal roster on JetStream, the app."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from contracts.streams import JOURNAL
from services.common.eventstore_jetstream import JetStreamEventStore
from services.journal.application.ports import Deps
from tests.support.enrollment import FakeClock
from tests.support.journal import in_memory_deps, seed_small_school
from tests.support.running import (
    RunningEnrollment,
    roster_caught_up,
    running_enrollment,
)


@pytest_asyncio.fixture(loop_scope="session")
async def journal(js, key_store) -> Deps:
    """The journal's handlers on the real JOURNAL stream, the small test school seeded, its
    personal data sealed under the session's key store (the one the enrollment reads).

    Its clock stands at 2026-10-01 09:00 UTC until a test moves it (`journal.clock.moment`).
    """
    deps = in_memory_deps(JetStreamEventStore(js, JOURNAL.name), keys=key_store)
    await seed_small_school(deps)
    return deps


@pytest.fixture
def clock() -> FakeClock:
    """The enrollment's clock, at 2026-11-02 09:00 UTC until a test moves it."""
    return FakeClock(FakeClock().moment.replace(month=11, day=2))


@pytest_asyncio.fixture(loop_scope="session")
async def app(
    js, journal, nats_url, database_url, pg_schema, clock
) -> AsyncIterator[RunningEnrollment]:
    """The enrollment over HTTP on the test's schema, its roster caught up with the journal."""
    async with running_enrollment(nats_url, database_url, pg_schema, clock=clock) as running:
        stream = await js.stream_info(JOURNAL.name)
        await roster_caught_up(running, stream.state.last_seq)
        yield running
