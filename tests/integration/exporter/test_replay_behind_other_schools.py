"""A small school's events behind a much bigger school's: its full export and a filtered
projection rebuild are complete, however long the server takes to reach its first event.

The defect this guards against: a replay filtered on one school ended at its first empty
fetch, so when the server needed longer than one fetch timeout to skip a million messages of
another school, the full export said `empty`. Here 200,000 small messages of school `big` come
first; the feed's fetches wait 1 ms at most, so the server's skip (tens of milliseconds) is
always longer than a fetch, as a skip over a real million-event year is longer than a second.
"""

from __future__ import annotations

import time
from collections import Counter

import pytest
import pytest_asyncio

from contracts.registry import JOURNAL_REGISTRY
from contracts.streams import JOURNAL
from contracts.subjects import journal_filter
from services.common import pullfeed
from services.common.db import PROJECTOR_MIGRATIONS
from services.common.eventstore_jetstream import JetStreamEventStore
from services.common.projector import Projector
from services.exporter import bootstrap
from services.exporter.adapters import export_state
from services.exporter.application.exporting import export
from services.journal.adapters.journal_projection import JournalViewProjection
from services.journal.bootstrap import MIGRATIONS as JOURNAL_MIGRATIONS
from tests.support.journal import SCHOOL, YEAR, in_memory_deps, seed_small_school
from tests.support.running import exporter_settings
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration

OTHER_EVENTS = 200_000
FETCH_WAIT = 0.001  # seconds: every fetch is shorter than the server's skip


async def fill_with_another_school(nc, js) -> None:
    """`OTHER_EVENTS` small messages of school `big`, published without waiting for acks (a
    projection filtered on another school never decodes them)."""
    body = b'{"other":"school"}'
    for n in range(OTHER_EVENTS):
        await nc.publish(f"jrn.{YEAR}.big.c{n % 40}.lesson.l{n % 4000}", body)
        if n % 20_000 == 0:
            await nc.flush()
    await nc.flush()

    async def stored() -> None:
        assert (await js.stream_info(JOURNAL.name)).state.messages >= OTHER_EVENTS

    await eventually(stored, timeout=60)


@pytest.fixture
def short_fetches(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Every feed fetch waits `FETCH_WAIT` at most; counts the ones that came back empty."""
    counts: Counter[str] = Counter()
    take = pullfeed.PullFeed.take

    async def short(self, limit: int, timeout: float) -> list:  # noqa: ASYNC109
        msgs = await take(self, limit, min(timeout, FETCH_WAIT))
        counts["empty" if not msgs else "delivered"] += 1
        return msgs

    monkeypatch.setattr(pullfeed.PullFeed, "take", short)
    return counts


@pytest_asyncio.fixture(loop_scope="session")
async def small_behind_big(js, nats_client, key_store) -> dict[str, int]:
    """The stream: the big school first, then the small test school through its handlers."""
    started = time.perf_counter()
    await fill_with_another_school(nats_client, js)
    filled = time.perf_counter() - started
    await seed_small_school(in_memory_deps(JetStreamEventStore(js, JOURNAL.name), keys=key_store))
    last = (await js.stream_info(JOURNAL.name)).state.last_seq
    lessons = await js.stream_info(JOURNAL.name, subjects_filter=f"jrn.{YEAR}.{SCHOOL}.*.lesson.*")
    print(f"filled {OTHER_EVENTS} other events in {filled:.2f}s")  # noqa: T201 - the timing
    return {"last": last, "small": last - OTHER_EVENTS, "lessons": len(lessons.state.subjects)}


@pytest.fixture
def replays(monkeypatch: pytest.MonkeyPatch) -> list:
    """The results of the export state's replays (its projector wrapped, the code untouched)."""
    results: list = []
    make = export_state.export_projector

    def recording(*args, **kwargs):
        projector = make(*args, **kwargs)
        rebuild_into = projector.rebuild_into

        async def recorded(*a, **k):
            results.append(await rebuild_into(*a, **k))
            return results[-1]

        projector.rebuild_into = recorded
        return projector

    monkeypatch.setattr(export_state, "export_projector", recording)
    return results


async def test_the_small_schools_full_export_is_complete(
    small_behind_big, short_fetches, replays, nats_url, database_url, pg_schema
):
    settings = exporter_settings(nats_url, database_url, pg_schema, "x" * 32)
    settings = settings.model_copy(update={"grants_follow": False})  # no journal drains
    async with bootstrap.build(settings) as runtime:
        started = time.perf_counter()
        outcome = await export(runtime.deps, SCHOOL, YEAR, "full", "cli")
        seconds = time.perf_counter() - started
    print(f"full export of {SCHOOL} behind {OTHER_EVENTS}: {seconds:.2f}s")  # noqa: T201

    run, (replay,) = outcome.run, replays
    assert short_fetches["empty"] > 0  # the replay did meet silences, and went on
    assert (replay.events_applied, replay.last_seq) == (small_behind_big["small"], run.to_seq)
    assert (run.status, run.to_seq) == ("published", small_behind_big["last"])
    assert run.records >= small_behind_big["lessons"] + 2  # the school, the class, each lesson


async def test_a_filtered_rebuild_is_complete(
    small_behind_big, short_fetches, js, pg_pool, pg_schema, key_store
):
    projector = Projector(
        js,
        pg_pool,
        stream=JOURNAL.name,
        filter_subject=journal_filter(YEAR, SCHOOL),
        registry=JOURNAL_REGISTRY,
        projection=JournalViewProjection(),
        keys=key_store,
    )

    result = await projector.rebuild(pg_schema, PROJECTOR_MIGRATIONS, JOURNAL_MIGRATIONS)

    assert short_fetches["empty"] > 0
    assert result.events_applied == small_behind_big["small"]
    assert (result.last_seq, result.dead_letters) == (small_behind_big["last"], 0)
