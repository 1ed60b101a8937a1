"""Scheduled runs with in-memory adapters: retries with backoff, bounded, then left failed; of
two replicas running the same moment, each school year's export runs once."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncIterator

from services.exporter.application.ports import Cut, Deps
from services.exporter.application.scheduler import Retry, export_with_retries, run_due
from services.exporter.domain.docs import Doc
from tests.support.clock import FakeClock
from tests.unit.exporter.export_fakes import SCHOOL_CONTENT, CaughtUpState, Files, Runs

NOW = dt.datetime(2026, 10, 1, 16, 0, tzinfo=dt.UTC)
SCHOOL_DOC = Doc("school", "s1", 3, SCHOOL_CONTENT)


class State(CaughtUpState):
    seq = 3

    @contextlib.asynccontextmanager
    async def changed(self, school: str, year: int, after: int) -> AsyncIterator[Cut]:
        async def docs() -> AsyncIterator[Doc]:
            if after < SCHOOL_DOC.seq:
                yield SCHOOL_DOC

        yield Cut(3, docs())

    def __init__(self, schools: tuple[str, ...] = ("s1",)) -> None:
        super().__init__()
        self.schools = schools

    async def exported_years(self) -> list[tuple[str, int]]:
        return [(school, 2026) for school in self.schools]


async def _moment() -> None:
    """Let the other tasks run once (not `asyncio.sleep`, which a test counts)."""
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    loop.call_soon(done.set_result, None)
    await done


class FlakyPublisher:
    def __init__(self, failures: int) -> None:
        self.failures, self.sent = failures, []

    async def publish(self, subject, body, headers) -> None:
        await _moment()  # a publish takes a moment: another replica goes on meanwhile
        if self.failures:
            self.failures -= 1
            raise ConnectionError("no ack")
        self.sent.append(subject)


def deps(failures: int) -> Deps:
    return Deps(Runs(), State(), FlakyPublisher(failures), Files(), FakeClock(NOW))


async def test_a_failed_scheduled_run_is_retried_until_it_succeeds():
    d = deps(failures=2)
    outcome = await export_with_retries(d, "s1", 2026, "delta", Retry(3, 0.0))
    assert outcome is not None
    assert outcome.run.status == "published"
    assert outcome.run.trigger == "schedule"
    statuses = sorted(r.status for r in d.runs.runs.values())
    assert statuses == ["failed", "failed", "published"]
    assert d.publisher.sent == [
        "dry.2026.s1.school.s1",
        "dry.2026.s1.batch." + outcome.run.batch_id,
    ]


async def test_retries_are_bounded_and_the_run_is_left_failed():
    d = deps(failures=10)
    assert await export_with_retries(d, "s1", 2026, "delta", Retry(2, 0.0)) is None
    assert [r.status for r in d.runs.runs.values()] == ["failed", "failed"]
    assert all("no ack" in r.error for r in d.runs.runs.values())


async def test_the_delay_before_each_retry_doubles_from_the_first(monkeypatch):
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(asyncio, "sleep", sleep)
    d = deps(failures=10)
    assert await export_with_retries(d, "s1", 2026, "delta", Retry(3, 60.0)) is None
    assert slept == [60.0, 120.0]
    assert len(d.runs.runs) == 3


async def test_run_due_runs_every_kind_for_every_exported_school_year():
    d = deps(failures=0)
    assert await run_due(d, ("delta", "full"), Retry(1, 0.0)) == 0
    assert sorted(r.kind for r in d.runs.runs.values()) == ["delta", "full"]
    # A full brings the diary up to its cut: a delta right after it has nothing to send.
    assert await run_due(d, ("full", "delta"), Retry(1, 0.0)) == 0
    assert sorted(r.kind for r in d.runs.runs.values()) == ["delta", "full"]


async def test_two_replicas_share_a_scheduled_moment_and_run_each_school_once():
    runs = Runs()  # one database: the runs table and the claims
    schools = tuple(f"s{n}" for n in range(1, 21))
    publishers = (FlakyPublisher(0), FlakyPublisher(0))
    replicas = [Deps(runs, State(schools), p, Files(), FakeClock(NOW)) for p in publishers]
    due = NOW.replace(hour=19)

    await asyncio.gather(*(run_due(d, ("full", "delta"), Retry(1, 0.0), due) for d in replicas))

    ran = sorted((r.school, r.kind) for r in runs.runs.values())
    assert ran == sorted((s, k) for s in schools for k in ("full", "delta"))
    assert all(p.sent for p in publishers), "one replica ran every school"
    # The next moment is claimed afresh (its deltas find nothing new).
    assert await run_due(replicas[0], ("delta",), Retry(1, 0.0), due.replace(day=2)) == 0
    assert len(runs.claims) == len(ran) + len(schools)
