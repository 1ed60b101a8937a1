"""The services' NATS connection: a connection closed on purpose is no warning (an operator's
command that drains its own connection at the end must not print `nats.disconnected` on their
terminal), and while a lost server is being reconnected to, an HTTP request's call is refused
at once (a 503) while background work waits for the server's return."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import nats.errors
import pytest
from structlog.testing import capture_logs

from services.common.jetstream import close, connect
from services.common.patience import WAITS_FOR_RECONNECT
from tests.support.servers import RestartableNats

pytestmark = pytest.mark.integration


async def test_closing_a_connection_on_purpose_logs_it_as_information(nats_url: str):
    nc = await connect(nats_url, name="test-close")

    with capture_logs() as logs:
        await close(nc)

    assert [(e["event"], e["log_level"]) for e in logs] == [("nats.closed", "info")]


@pytest.fixture
def lost_server() -> Iterator[RestartableNats]:
    server = RestartableNats()
    server.start()
    yield server
    server.close()


async def _wait_until_lost(nc: nats.NATS) -> None:
    for _ in range(500):  # 5 s
        if not nc.is_connected:
            return
        await asyncio.sleep(0.01)
    pytest.fail("the connection did not notice that its server was gone")


async def test_an_http_request_is_refused_at_once_while_reconnecting(
    lost_server: RestartableNats,
):
    nc = await connect(lost_server.url, name="test-impatient")
    js = nc.jetstream(timeout=5)
    lost_server.kill()
    await _wait_until_lost(nc)
    refused = WAITS_FOR_RECONNECT.set(False)
    try:
        started = time.monotonic()
        with pytest.raises(nats.errors.ConnectionReconnectingError):
            await js.stream_info("ANY")
        waited = time.monotonic() - started
    finally:
        WAITS_FOR_RECONNECT.reset(refused)
        await nc.close()

    assert waited < 0.5  # not the 5 s timeout


async def test_batch_work_waits_for_the_server_to_come_back(lost_server: RestartableNats):
    nc = await connect(lost_server.url, name="test-patient")
    js = nc.jetstream(timeout=10)
    lost_server.kill()
    await _wait_until_lost(nc)
    try:
        waiting = asyncio.create_task(js.account_info())
        await asyncio.sleep(0.3)
        assert not waiting.done()  # buffered, not refused
        await asyncio.to_thread(lost_server.start)

        info = await waiting
    finally:
        await nc.close()

    assert info.streams >= 0
