"""Verification reports events whose stored body holds text PostgreSQL cannot store."""

from __future__ import annotations

import json

import pytest

from contracts.streams import JOURNAL
from services.audit.adapters.stream_walk import integrity_for
from services.audit.application.verification import Scope, verify

pytestmark = pytest.mark.integration

SUBJECT = "jrn.2026.s1.5a.lesson.l1"


async def publish(js, topic: str) -> int:
    # Only the body's strings matter to this check; json.dumps escapes NUL as \u0000.
    body = json.dumps({"event_type": "journal.TopicSet", "data": {"topic": topic}}).encode()
    ack = await js.publish(SUBJECT, body, stream=JOURNAL.name)
    return int(ack.seq)


async def test_verification_counts_events_holding_unstorable_text(js):
    await publish(js, "fine")
    nul = await publish(js, "тема\x00")
    await publish(js, "emoji \U0001f600")

    report = await verify(integrity_for(js, None), Scope(JOURNAL.name))

    assert report.unstorable_text == 1
    assert not report.ok
    found = [p for p in report.problems if p.kind == "unstorable_text"]
    assert [(p.seq, p.subject) for p in found] == [(nul, SUBJECT)]
