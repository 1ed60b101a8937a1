"""`deploy.provision` on NATS: it creates the bucket of idempotency keys with the default max
age, and a second run leaves a bucket a service has configured (its max age, its keys) alone."""

from __future__ import annotations

import time

import pytest

from contracts.streams import IDEMPOTENCY_KEYS_BUCKET, IDEMPOTENCY_KEYS_HOURS
from deploy.provision import provision_nats
from services.common.idempotency_ledger import open_key_ledger
from services.common.settings import NatsSettings

pytestmark = pytest.mark.integration

STREAM = f"KV_{IDEMPOTENCY_KEYS_BUCKET}"


async def test_provision_creates_the_key_ledger_and_then_leaves_it_to_the_services(js, nats_url):
    await provision_nats(nats_url, time.monotonic() + 10)
    assert (await js.stream_info(STREAM)).config.max_age == IDEMPOTENCY_KEYS_HOURS * 3600

    ledger = await open_key_ledger(js, NatsSettings(idempotency_key_hours=72))
    await ledger.bind("c1", "f1")
    await provision_nats(nats_url, time.monotonic() + 10)
    info = await js.stream_info(STREAM)

    assert (info.config.max_age, info.state.messages) == (72 * 3600, 1)
