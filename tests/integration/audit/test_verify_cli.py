"""`python -m services.audit.entrypoints.verify_cli`: keygen, anchor and verify."""

from __future__ import annotations

import asyncio
import base64
import json

import pytest
from nats.js import JetStreamContext

from services.audit.entrypoints import verify_cli
from services.common.eventstore_jetstream import JetStreamEventStore
from tests.support.journal import in_memory_deps, seed_small_school

pytestmark = pytest.mark.integration


def output(capsys):
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


async def test_a_generated_key_anchors_and_the_stream_verifies(
    js: JetStreamContext, nats_url, monkeypatch, capsys
):
    await seed_small_school(in_memory_deps(JetStreamEventStore(js, "JOURNAL")))
    assert verify_cli.main(["keygen"]) == 0
    (key,) = output(capsys)
    assert len(base64.b64decode(key["AUDIT_SIGNING_KEY"])) == 32
    monkeypatch.setenv("AUDIT_SIGNING_KEY", key["AUDIT_SIGNING_KEY"])
    monkeypatch.setenv("AUDIT_KEY_ID", "school-key-1")
    base = ["--nats-url", nats_url]

    anchored = await asyncio.to_thread(verify_cli.main, [*base, "anchor", "--school", "s1"])
    (anchor, line) = output(capsys)
    verified = await asyncio.to_thread(verify_cli.main, [*base, "verify", "--school", "s1"])
    lines = output(capsys)

    assert anchored == 0
    assert line["written"]["JOURNAL"] == 1
    assert anchor["subject"].startswith("aud.s1.anchor.journal-")
    assert line["key_id"] == "school-key-1"
    assert verified == 0, lines
    assert lines[-1] == {"type": "summary", "ok": True, "problems": 0}
    journal = next(x for x in lines if x.get("stream") == "JOURNAL")
    assert journal["anchors"] == 1
    assert journal["events"] > 0
    assert journal["not_anchored"] == 0


async def test_anchoring_without_a_key_is_refused(nats_url, monkeypatch):
    monkeypatch.delenv("AUDIT_SIGNING_KEY", raising=False)

    assert await asyncio.to_thread(verify_cli.main, ["--nats-url", nats_url, "anchor"]) == 2
