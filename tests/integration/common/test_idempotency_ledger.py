"""The key ledger on a real nats-server: the bucket as configured (history 1, file storage, the
settings' max age, kept in step on start), a key bound to its first request's fingerprint,
forgotten after the max age, and a NATS failure raised for the 503 handler."""

from __future__ import annotations

import nats
import nats.errors
import pytest
from nats.js import api

from contracts.streams import IDEMPOTENCY_KEYS_BUCKET, IDEMPOTENCY_KEYS_HOURS
from services.common.idempotency import IdempotencyKeyReused
from services.common.idempotency_ledger import JetStreamKeyLedger, open_key_ledger
from services.common.jetstream import jetstream, open_key_value
from services.common.settings import NatsSettings
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration

STREAM = f"KV_{IDEMPOTENCY_KEYS_BUCKET}"
HOUR = 3600.0


async def test_the_bucket_keeps_one_fingerprint_per_key_for_the_configured_hours(js):
    await open_key_ledger(js, NatsSettings())
    config = (await js.stream_info(STREAM)).config

    assert IDEMPOTENCY_KEYS_HOURS >= 24
    assert config.max_age == IDEMPOTENCY_KEYS_HOURS * HOUR
    assert (config.max_msgs_per_subject, config.storage) == (1, api.StorageType.FILE)
    assert config.allow_direct is True


async def test_a_changed_setting_changes_the_max_age_and_nothing_else(js):
    await open_key_ledger(js, NatsSettings())
    ledger = await open_key_ledger(js, NatsSettings(idempotency_key_hours=72))
    await ledger.bind("c1", "f1")
    await open_key_ledger(js, NatsSettings(idempotency_key_hours=72))  # already so: untouched
    info = await js.stream_info(STREAM)

    assert info.config.max_age == 72 * HOUR
    assert info.state.messages == 1


def test_the_setting_never_goes_below_the_24_hours_the_api_promises():
    with pytest.raises(ValueError, match="greater than or equal to 24"):
        NatsSettings(idempotency_key_hours=23)


async def test_a_key_is_bound_to_the_first_fingerprint_it_came_with(js):
    ledger = await open_key_ledger(js, NatsSettings())

    await ledger.bind("c1", "f1")
    await ledger.bind("c1", "f1")  # a retry of the same request goes on
    await ledger.bind("c2", "f2")  # another key is another command
    with pytest.raises(IdempotencyKeyReused):
        await ledger.bind("c1", "f2")
    with pytest.raises(IdempotencyKeyReused):
        await ledger.bind("c1", "f2")  # the refusal bound nothing new
    await ledger.bind("c1", "f1")

    kv = await js.key_value(IDEMPOTENCY_KEYS_BUCKET)
    assert (await kv.get("c1")).value == b"f1"
    assert (await js.stream_info(STREAM)).state.messages == 2


async def test_a_key_older_than_the_max_age_is_free_again(js):
    kv = await open_key_value(js, IDEMPOTENCY_KEYS_BUCKET, max_age_seconds=1.0)
    ledger = JetStreamKeyLedger(kv)
    await ledger.bind("c1", "f1")

    async def forgotten() -> None:
        assert (await js.stream_info(STREAM)).state.messages == 0

    await eventually(forgotten, timeout=10, interval=0.2)
    await ledger.bind("c1", "f2")
    assert (await kv.get("c1")).value == b"f2"


async def test_a_nats_failure_propagates_for_the_outage_handler(js, nats_url):
    settings = NatsSettings(url=nats_url, request_timeout_seconds=0.5)
    nc = await nats.connect(nats_url, name="ledger-test")
    ledger = await open_key_ledger(jetstream(nc, settings), settings)
    await nc.close()

    with pytest.raises(nats.errors.ConnectionClosedError):
        await ledger.bind("c1", "f1")
