"""The tamper-evidence routes: a streamed verification report, the anchors and the keys."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
import pytest_asyncio
from nats.js import JetStreamContext

from contracts import subjects
from services.audit.adapters.stream_walk import integrity_for
from services.audit.application.anchoring import anchor_due
from services.audit.domain.anchors import local_day
from services.common.eventstore_jetstream import JetStreamEventStore
from tests.integration.audit.tamper_app import app_over
from tests.support.audit_tamper import signer
from tests.support.journal import (
    CLASS_ID,
    FIRST_MONDAY,
    SCHOOL,
    YEAR,
    in_memory_deps,
    math_lesson_id,
    seed_small_school,
)

pytestmark = pytest.mark.integration

TOMORROW = local_day(dt.datetime.now(dt.UTC)) + dt.timedelta(days=1)


@pytest_asyncio.fixture(loop_scope="session")
async def audit(js: JetStreamContext):
    """The small school's journal, anchored; the verify routes served with real adapters."""
    await seed_small_school(in_memory_deps(JetStreamEventStore(js, "JOURNAL")))
    integrity = integrity_for(js, signer())
    await anchor_due(integrity)

    async with app_over(integrity) as running:
        yield running


async def lines(audit, body=None, school=SCHOOL):
    response = await audit.http.post(
        f"/audit/v1/schools/{school}/verifications",
        json=body,
        headers=audit.headers("aud1", "auditor"),
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ndjson")
    return [json.loads(line) for line in response.text.splitlines()]


async def test_the_schools_streams_verify_line_by_line(audit):
    report = await lines(audit)

    assert report[-1] == {"type": "summary", "school": SCHOOL, "ok": True, "problems": 0}
    streams = {line["stream"]: line for line in report if line["type"] == "stream"}
    assert set(streams) == {"JOURNAL", "ENROLLMENT", "DIARY", "PORTAL", "AUDIT"}
    assert streams["JOURNAL"]["events"] > 0
    assert streams["JOURNAL"]["anchors"] == 1
    assert streams["DIARY"]["chained"] is False


async def test_a_tampered_event_is_reported_with_its_position(audit, js):
    lesson = subjects.lesson(YEAR, SCHOOL, CLASS_ID, math_lesson_id(FIRST_MONDAY))
    headers = {"Prev-Hash": "f" * 64, "Event-Type": "journal.TopicSet"}
    ack = await js.publish(lesson, b"{}", stream="JOURNAL", headers=headers)

    report = await lines(audit, {"streams": ["JOURNAL"]})

    problems = [line for line in report if line["type"] == "problem"]
    assert [(p["kind"], p["seq"], p["subject"]) for p in problems] == [
        ("broken_link", ack.seq, lesson)
    ]
    assert report[-1]["ok"] is False
    assert report[-1]["problems"] == 1


async def test_anchors_are_listed_with_their_signatures_checked(audit):
    auth = audit.headers("aud1", "auditor")
    url = f"/audit/v1/schools/{SCHOOL}/anchors"

    anchors = (await audit.http.get(url, params={"stream": "JOURNAL"}, headers=auth)).json()
    none = (await audit.http.get(url, params={"stream": "DIARY"}, headers=auth)).json()
    later = (await audit.http.get(url, params={"from": str(TOMORROW)}, headers=auth)).json()

    assert len(anchors) == 1
    assert anchors[0]["signature_valid"] is True
    assert anchors[0]["subject"].startswith(f"aud.{SCHOOL}.anchor.journal-")
    assert none == []
    assert later == []


async def test_the_public_key_needs_no_token(audit):
    response = await audit.http.get("/audit/v1/keys")

    assert response.status_code == 200
    (key,) = response.json()["keys"]
    assert key["key_id"] == "test-key"
    assert key["current"] is True
    assert base64.b64decode(key["public_key"]) == signer().public_key


async def test_another_schools_token_is_refused(audit):
    response = await audit.http.post(
        "/audit/v1/schools/s2/verifications", headers=audit.headers("aud1", "auditor")
    )

    assert response.status_code == 403
