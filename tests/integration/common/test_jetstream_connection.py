"""A connection closed on purpose is no warning: an operator's command that drains its own
connection at the end must not print `nats.disconnected` on their terminal."""

from __future__ import annotations

import pytest
from structlog.testing import capture_logs

from services.common.jetstream import close, connect

pytestmark = pytest.mark.integration


async def test_closing_a_connection_on_purpose_logs_it_as_information(nats_url: str):
    nc = await connect(nats_url, name="test-close")

    with capture_logs() as logs:
        await close(nc)

    assert [(e["event"], e["log_level"]) for e in logs] == [("nats.closed", "info")]
