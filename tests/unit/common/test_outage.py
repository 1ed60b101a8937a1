"""Dependency failures become 503 + Retry-After with the dependency's reason, in one log line;
an unreadable history becomes 409/503 with a reason; never a 500."""

from __future__ import annotations

import asyncio
import datetime as dt

import asyncpg
import httpx
import nats.errors
import nats.js.errors
import pytest
from fastapi import FastAPI
from structlog.testing import capture_logs

from contracts.envelope import Actor
from contracts.registry import JOURNAL_REGISTRY
from services.common.decoding import UndecodableEvent, decode_events
from services.common.eventstore import CorruptEvent, StoredEvent
from services.common.http import CorrelationIdMiddleware, install_error_handlers
from services.common.limits import RequestLimits, RequestLimitsMiddleware
from services.common.outage import (
    DEADLINE_EXCEEDED,
    DEPENDENCY_UNAVAILABLE,
    NATS_UNAVAILABLE,
    POSTGRES_UNAVAILABLE,
    outage_of,
)
from tests.support.stored_events import envelope_as

NATS_FAILURES: list[Exception] = [
    nats.errors.TimeoutError(),
    nats.errors.NoRespondersError(),
    nats.errors.ConnectionClosedError(),
    nats.errors.OutboundBufferLimitError(),
    nats.errors.ConnectionReconnectingError(),
    nats.js.errors.ServiceUnavailableError(),
]
POSTGRES_FAILURES: list[Exception] = [
    asyncpg.PostgresConnectionError("gone"),
    asyncpg.exceptions.ConnectionDoesNotExistError("closed in the middle of operation"),
    asyncpg.InterfaceError("pool is closing"),
    asyncpg.exceptions.TooManyConnectionsError("too many clients"),
    asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
    asyncpg.exceptions.AdminShutdownError("terminating connection"),
]


@pytest.mark.parametrize("error", NATS_FAILURES, ids=lambda e: type(e).__name__)
def test_nats_failures_are_nats_outages(error: Exception):
    outage = outage_of(error)

    assert outage is not None
    assert outage.reason == NATS_UNAVAILABLE


@pytest.mark.parametrize("error", POSTGRES_FAILURES, ids=lambda e: type(e).__name__)
def test_postgres_failures_are_postgres_outages(error: Exception):
    outage = outage_of(error)

    assert outage is not None
    assert outage.reason == POSTGRES_UNAVAILABLE


def test_a_refused_connection_is_blamed_on_the_client_it_came_through():
    def in_asyncpg() -> None:
        code = compile("raise ConnectionRefusedError(111, 'refused')", "<asyncpg>", "exec")
        exec(code, {"__name__": "asyncpg.connect_utils"})  # noqa: S102 - a frame "in" asyncpg

    with pytest.raises(ConnectionRefusedError) as raised:
        in_asyncpg()

    outage = outage_of(raised.value)
    assert outage is not None
    assert outage.reason == POSTGRES_UNAVAILABLE
    assert outage_of(ConnectionResetError()) == outage_of(TimeoutError()) is not None
    assert outage_of(ConnectionResetError()).reason == DEPENDENCY_UNAVAILABLE  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "error",
    [ValueError("a bug"), KeyError("k"), nats.errors.BadSubjectError(), FileNotFoundError()],
    ids=lambda e: type(e).__name__,
)
def test_bugs_are_not_outages(error: Exception):
    assert outage_of(error) is None


def test_a_task_groups_failures_are_an_outage_only_when_each_is_one():
    both = ExceptionGroup("tasks", [nats.errors.TimeoutError(), asyncpg.InterfaceError("closed")])
    outage = outage_of(both)
    assert outage is not None
    assert outage.reason == NATS_UNAVAILABLE
    nested = ExceptionGroup("outer", [ExceptionGroup("inner", [asyncpg.InterfaceError("x")])])
    assert outage_of(nested) is not None
    assert outage_of(ExceptionGroup("tasks", [nats.errors.TimeoutError(), ValueError()])) is None


async def test_an_outage_inside_a_task_group_answers_503_not_500():
    async def failing() -> None:
        raise asyncpg.InterfaceError("pool is closing")

    try:
        async with asyncio.TaskGroup() as group:
            group.create_task(failing())
    except ExceptionGroup as raised:
        error = raised
    response = await post(app_raising(error))
    assert response.status_code == 503
    assert response.json()["reason"] == POSTGRES_UNAVAILABLE


def app_raising(error: BaseException | None = None, *, hang: bool = False) -> FastAPI:
    app = FastAPI()
    limits = RequestLimits(deadline_seconds=0.2)
    app.add_middleware(RequestLimitsMiddleware, routes=lambda: app.router.routes, limits=limits)
    app.add_middleware(CorrelationIdMiddleware)
    install_error_handlers(app, {})

    @app.post("/write")
    async def write() -> dict[str, str]:
        if hang:
            await asyncio.sleep(30)
        if error is not None:
            raise error
        return {}

    return app


async def post(app: FastAPI) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.post("/write", json={})


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (nats.errors.TimeoutError(), NATS_UNAVAILABLE),
        (nats.errors.NoRespondersError(), NATS_UNAVAILABLE),
        (asyncpg.exceptions.CannotConnectNowError("starting up"), POSTGRES_UNAVAILABLE),
        (asyncpg.InterfaceError("pool is closing"), POSTGRES_UNAVAILABLE),
        (ConnectionRefusedError(111, "refused"), DEPENDENCY_UNAVAILABLE),
    ],
    ids=lambda v: getattr(type(v), "__name__", str(v)),
)
async def test_an_outage_answers_503_with_retry_after_and_one_line_without_traceback(
    error: Exception, reason: str
):
    with capture_logs() as logs:
        response = await post(app_raising(error))

    assert response.status_code == 503
    assert response.headers["retry-after"].isdigit()
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["reason"] == reason
    (line,) = logs
    assert line["event"] == "http_request"
    assert line["status"] == 503
    assert line["log_level"] == "warning"
    assert "exc_info" not in line


async def test_a_request_that_hangs_is_cut_at_its_deadline_with_a_503():
    started = asyncio.get_running_loop().time()

    response = await post(app_raising(hang=True))

    assert response.status_code == 503
    assert response.json()["reason"] == DEADLINE_EXCEEDED
    assert "retry-after" in response.headers
    assert asyncio.get_running_loop().time() - started < 2.0


def stored(event_type: str, version: int, data: dict[str, object]) -> StoredEvent:
    envelope = envelope_as(event_type, version, dict(data), actor=Actor(id="admin-1", role="admin"))
    return StoredEvent("jrn.x", 7, envelope, "h", "p", "m", dt.datetime.now(dt.UTC))


def test_an_event_the_registry_cannot_decode_names_itself_without_its_values():
    broken = stored("journal.PupilRegistered", 1, {"full_name": "Иванов Иван"})

    with pytest.raises(UndecodableEvent) as raised:
        decode_events(JOURNAL_REGISTRY, [broken])

    assert "jrn.x#7" in str(raised.value)
    assert "Иванов" not in str(raised.value)


@pytest.mark.parametrize(
    ("event", "status", "reason"),
    [
        (stored("journal.PupilRegistered", 99, {}), 503, "history_needs_newer_version"),
        (stored("journal.NoSuchEvent", 1, {}), 503, "history_needs_newer_version"),
        (stored("journal.PupilRegistered", 1, {"nonsense": 1}), 409, "corrupt_history"),
    ],
    ids=["newer-version", "unknown-type", "invalid-payload"],
)
async def test_an_undecodable_history_answers_with_a_reason_not_500(
    event: StoredEvent, status: int, reason: str
):
    with pytest.raises(UndecodableEvent) as raised:
        decode_events(JOURNAL_REGISTRY, [event])

    response = await post(app_raising(raised.value))

    assert response.status_code == status
    assert response.json()["reason"] == reason


async def test_a_message_that_is_no_envelope_is_a_corrupt_history():
    response = await post(app_raising(CorruptEvent("jrn.x#3 is not an envelope")))

    assert response.status_code == 409
    assert response.json()["reason"] == "corrupt_history"
