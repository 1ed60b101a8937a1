"""Outages answered and survived: every service, every route, NATS or PostgreSQL down.

All five services run in-process on a private nats-server that the test kills and starts again
on the same port and store, and on a private PostgreSQL cluster (`deploy.launcher.postgres`, never
the machine's shared server) that it stops and starts. While 32 writers keep registering pupils in
the journal, the dependency goes away; then every route of every service is called once (path
parameters filled in, an empty JSON body for writes): each must answer within 2 s, never 500,
and every 5xx must be a 503 with `Retry-After` and a reason. The routes that need the missing
server must say so (`nats_unavailable`, `postgres_unavailable`). When the server is back, every
service must answer `/readyz` 200 within 5 s, with the writers still going, and the writers'
requests must succeed again. The measured figures are printed.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import re
import secrets
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from deploy.launcher.ports import Ports
from deploy.launcher.postgres import PrivatePostgres
from tests.support.running import (
    RunningApp,
    running_audit,
    running_diary,
    running_enrollment,
    running_exporter,
    running_journal,
)
from tests.support.servers import RestartableNats, temporary_database

pytestmark = pytest.mark.integration

ANSWER_WITHIN = 2.0
READY_WITHIN = 5.0
OUTAGE_SECONDS = 4.0  # at least: the writers' requests of its last 2 s are checked
WRITERS = 32
ALL_ROLES = ("admin", "head", "deputy", "teacher", "auditor", "system", "parent", "pupil")
PATH_VALUES = {
    "school": "s1",
    "year": "2026",
    "date": "2026-09-07",
    "uid": "101",
    "kind": "class",
    "pupil": "p" + "0" * 31,
}
QUERY = {"from": "2026-09-01", "to": "2026-09-30", "date": "2026-09-07", "period_id": "q1"}
# Requests valid enough to reach a service's store (an empty body stops at validation).
VALID_WRITES = (
    (
        "journal",
        "PUT",
        "/journal/v1/schools/s1/years/2026/pupils/p01",
        {"full_name": "Ученик Номер", "birth_date": "2015-03-01"},
    ),
    ("enrollment", "PUT", "/enrollment/v1/schools/s1/staff/t-math/uid", {"uid": 301}),
)
STARTERS = (running_journal, running_diary, running_exporter, running_enrollment, running_audit)
NAMES = ("journal", "diary", "exporter", "enrollment", "audit")


@pytest.fixture(scope="module")
def nats_server() -> Iterator[RestartableNats]:
    """A nats-server of this module's own: the tests kill it."""
    server = RestartableNats()
    server.start()
    yield server
    server.close()


@dataclass(frozen=True)
class Postgres:
    cluster: PrivatePostgres
    admin_dsn: str


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres]:
    """A PostgreSQL cluster of this module's own (the postgres OS user must reach its folder,
    which pytest's private tmp_path would not allow): the tests stop it."""
    base = Path(tempfile.mkdtemp(prefix="outages-"))
    base.chmod(0o711)
    state = base / "state"
    state.mkdir()
    cluster = PrivatePostgres(state, Ports(state / "ports.json"))
    try:
        yield Postgres(cluster, cluster.start())
    finally:
        cluster.stop()
        shutil.rmtree(base, ignore_errors=True)


@dataclass
class System:
    """The five services in-process, and what the writers saw."""

    apps: dict[str, RunningApp[Any]]
    statuses: list[tuple[float, int]] = field(default_factory=list)
    tag: str = field(default_factory=lambda: secrets.token_hex(3))

    def token(self, name: str) -> dict[str, str]:
        return self.apps[name].headers("chaos-1", *ALL_ROLES, uid=101)


@pytest_asyncio.fixture(loop_scope="session")
async def system(nats_server: RestartableNats, postgres: Postgres) -> AsyncIterator[System]:
    async with temporary_database(postgres.admin_dsn) as dsn, contextlib.AsyncExitStack() as stack:
        apps = {
            name: await stack.enter_async_context(start(nats_server.url, dsn, f"o_{name}"))
            for name, start in zip(NAMES, STARTERS, strict=True)
        }
        running = System(apps)
        await wait_ready(running, timeout=60)
        yield running


async def not_ready(system: System) -> dict[str, str]:
    """The services whose /readyz does not answer 200, with what it said."""
    problems = {}
    for name, app in system.apps.items():
        try:
            response = await asyncio.wait_for(app.http.get("/readyz"), 3)
        except TimeoutError:
            problems[name] = "no answer"
            continue
        if response.status_code != 200:
            problems[name] = response.text[:200]
    return problems


async def wait_ready(system: System, timeout: float) -> float:  # noqa: ASYNC109
    """Seconds until every service is ready; fails with who was not after `timeout`."""
    started = time.monotonic()
    while problems := await not_ready(system):
        assert time.monotonic() - started < timeout, f"not ready after {timeout} s: {problems}"
        await asyncio.sleep(0.1)
    return time.monotonic() - started


@contextlib.asynccontextmanager
async def writers(system: System) -> AsyncIterator[None]:
    """32 clients registering (renaming) a pupil of their own in the journal, non-stop."""
    journal = system.apps["journal"]
    headers = journal.headers("admin-1", "admin")
    stop = asyncio.Event()

    async def write(index: int) -> None:
        for count in itertools.count():
            if stop.is_set():
                return
            body = {"full_name": f"Ученик Номер {count}", "birth_date": "2015-03-01"}
            # Pupils of this test's own: the streams outlive the test, its key store does not.
            path = f"/journal/v1/schools/s1/years/2026/pupils/w{system.tag}-{index:02d}"
            started = time.monotonic()
            try:
                response = await asyncio.wait_for(
                    journal.http.put(path, json=body, headers=headers), 10
                )
                status = response.status_code
            except TimeoutError:
                status = 0  # hung: the assertions below fail on it
            system.statuses.append((started, status))
            if status != 200:
                await asyncio.sleep(0.05)

    tasks = [asyncio.create_task(write(i)) for i in range(WRITERS)]
    try:
        yield
    finally:
        stop.set()
        await asyncio.gather(*tasks)


@dataclass(frozen=True)
class Answer:
    service: str
    route: str
    status: int
    reason: str | None
    retry_after: str | None
    seconds: float


async def sweep(system: System) -> list[Answer]:
    """Every route of every service, once, eight at a time."""
    limit = asyncio.Semaphore(8)

    async def call(name: str, route: str, method: str, body: object = None) -> Answer:
        app = system.apps[name]
        path = re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES.get(m[1], "x1"), route)
        if body is None and method in {"POST", "PUT", "PATCH", "DELETE"}:
            body = {}
        async with limit:
            started = time.monotonic()
            response = await asyncio.wait_for(
                app.http.request(method, path, json=body, params=QUERY, headers=system.token(name)),
                10,
            )
            seconds = time.monotonic() - started
        reason = None
        if response.headers.get("content-type", "").startswith("application/problem+json"):
            reason = response.json().get("reason")
        retry = response.headers.get("retry-after")
        return Answer(name, f"{method} {route}", response.status_code, reason, retry, seconds)

    calls = [
        call(name, route, method.upper())
        for name, running in system.apps.items()
        for route, operations in running.app.openapi()["paths"].items()
        if route not in {"/readyz", "/healthz"}
        for method in operations
    ]
    calls += [call(name, path, method, body) for name, method, path, body in VALID_WRITES]
    return list(await asyncio.gather(*calls))


def check_answers(answers: list[Answer], expected_reason: str) -> dict[str, Any]:
    """The rules every answer meets during an outage; the figures to print."""
    slow = [a for a in answers if a.seconds >= ANSWER_WITHIN]
    errors = [a for a in answers if a.status >= 500 and not _clean_unavailable(a)]
    assert not slow, "\n".join(f"{a.seconds:.2f} s: {a}" for a in slow)
    assert not errors, "\n".join(str(a) for a in errors)
    told = Counter(a.service for a in answers if a.reason == expected_reason)
    return {
        "routes": len(answers),
        "max_seconds": round(max(a.seconds for a in answers), 3),
        "slowest": [
            f"{a.route} {a.status} {a.seconds:.2f} s"
            for a in sorted(answers, key=lambda a: a.seconds)[-3:]
        ],
        "statuses": dict(Counter(a.status for a in answers)),
        f"{expected_reason}_by_service": dict(told),
    }


def _clean_unavailable(answer: Answer) -> bool:
    if answer.status == 502 and answer.reason == "check_unavailable":
        return True  # the exporter's diary check: the journal's and diary's URLs, not a server
    return (
        answer.status == 503
        and bool(answer.reason)
        and answer.retry_after is not None
        and answer.retry_after.isdigit()
    )


async def run_outage(
    system: System,
    go_down: Callable[[], None],
    come_back: Callable[[], None],
    reason: str,
) -> dict[str, Any]:
    """Take the server away under the writers, sweep, bring it back; the measured figures."""
    async with writers(system):
        await asyncio.sleep(1.0)
        await asyncio.to_thread(go_down)
        down_at = time.monotonic()
        try:
            await asyncio.sleep(0.5)
            answers = await sweep(system)
            # The writers meet the outage for a while after the sweep: its first 2 s are left
            # out below (requests sent before it), and the sweep itself takes well under 1 s.
            await asyncio.sleep(max(0.0, down_at + OUTAGE_SECONDS - time.monotonic()))
        finally:  # back even when the sweep fails, for the module's other tests
            await asyncio.to_thread(come_back)
        back_at = time.monotonic()
        figures = check_answers(answers, reason)
        ready_after = await wait_ready(system, READY_WITHIN)
        figures["ready_after_seconds"] = round(ready_after, 2)
        await asyncio.sleep(2.0)  # the writers go on against the recovered service
    during = [s for at, s in system.statuses if down_at + 2 < at < back_at]
    after = [s for at, s in system.statuses if at > back_at + ready_after + 0.5]
    figures["writes_during"] = dict(Counter(during))
    figures["writes_after_recovery"] = dict(Counter(after))
    assert set(during) <= {200, 503}, figures  # never hung (0), never 500
    assert after, figures
    assert set(after) == {200}, figures
    return figures


async def test_nats_outage_answers_503_and_every_service_recovers(
    system: System, nats_server: RestartableNats
):
    figures = await run_outage(
        system, nats_server.kill, nats_server.start, reason="nats_unavailable"
    )

    print("NATS outage:", figures)  # noqa: T201 - the figures quoted in the report
    told = figures["nats_unavailable_by_service"]
    assert {"journal", "enrollment"} <= set(told), figures
    assert 503 in figures["writes_during"], figures  # a journal write needs NATS


async def test_postgres_outage_answers_503_and_every_service_recovers(
    system: System, postgres: Postgres
):
    def start() -> None:
        postgres.cluster.start()

    figures = await run_outage(system, postgres.cluster.stop, start, reason="postgres_unavailable")

    print("PostgreSQL outage:", figures)  # noqa: T201 - the figures quoted in the report
    assert set(figures["postgres_unavailable_by_service"]) == set(NAMES), figures


async def test_a_date_that_is_not_iso_is_a_422(system: System):
    journal = system.apps["journal"]
    path = "/journal/v1/schools/s1/years/2026/teachers/t-math/day"

    response = await journal.http.get(path, params={"date": "0"}, headers=system.token("journal"))

    assert response.status_code == 422
