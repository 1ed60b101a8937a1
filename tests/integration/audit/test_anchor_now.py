"""Anchoring on demand over HTTP, and what it closes: the altered LAST event of a subject.

The Prev-Hash chain cannot catch an altered last event of a subject (no later event names its
hash). Before an anchor seals it, the verification counts it as not anchored; once anchored
(hourly, or now through the route), altering it is an anchor mismatch.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
import pytest_asyncio
from nats.js import JetStreamContext
from nats.js.api import StreamConfig

from contracts import envelope as hdr
from services.audit.adapters.stream_walk import integrity_for
from services.audit.application.verification import Scope, verify
from services.common.eventstore_jetstream import JetStreamEventStore
from services.journal.application import lessons
from services.journal.domain import commands as c
from tests.integration.audit.tamper_app import app_over
from tests.support.audit_tamper import signer
from tests.support.journal import (
    CLASS_ID,
    FIRST_MONDAY,
    MATH_TEACHER,
    SCHOOL,
    in_memory_deps,
    math_lesson_id,
    meta,
    seed_small_school,
)

pytestmark = pytest.mark.integration

LESSON = math_lesson_id(FIRST_MONDAY)
DROPPED = (hdr.HEADER_EXPECTED_LAST_SUBJECT_SEQ, hdr.HEADER_MSG_ID)
STREAMS = ("JOURNAL", "ENROLLMENT", "DIARY", "PORTAL")


@pytest_asyncio.fixture(loop_scope="session")
async def audit(js: JetStreamContext):
    """The small school's journal, not anchored yet; the tamper-evidence routes over it."""
    journal = in_memory_deps(JetStreamEventStore(js, "JOURNAL"))
    await seed_small_school(journal)
    async with app_over(integrity_for(js, signer())) as running:
        yield SimpleNamespace(http=running.http, headers=running.headers, journal=journal)


async def anchor(audit) -> dict:
    response = await audit.http.post(
        f"/audit/v1/schools/{SCHOOL}/anchors", headers=audit.headers("aud1", "auditor")
    )
    assert response.status_code == 200, response.text
    return response.json()


async def journal_line(audit) -> dict:
    response = await audit.http.post(
        f"/audit/v1/schools/{SCHOOL}/verifications",
        json={"streams": ["JOURNAL"]},
        headers=audit.headers("aud1", "auditor"),
    )
    lines = [json.loads(line) for line in response.text.splitlines()]
    return next(line for line in lines if line["type"] == "stream")


async def set_topic(audit, topic: str) -> None:
    await lessons.run(audit.journal, meta(MATH_TEACHER), CLASS_ID, LESSON, c.SetTopic(topic))


async def copy_with_last_altered(js: JetStreamContext, name: str) -> int:
    """Copy JOURNAL into the stream `name` with its last event's body altered; its seq."""
    last = (await js.stream_info("JOURNAL")).state.last_seq
    await js.add_stream(StreamConfig(name=name, subjects=[f"{name.lower()}.>"], allow_direct=True))
    for seq in range(1, last + 1):
        msg = await js.get_msg("JOURNAL", seq, direct=True)
        body = msg.data + b" " if seq == last else msg.data
        headers = {k: v for k, v in (msg.headers or {}).items() if k not in DROPPED}
        await js.publish(f"{name.lower()}.{msg.subject}", body, stream=name, headers=headers)
    return last


async def verify_copy(js: JetStreamContext, name: str):
    scope = Scope(name, school=SCHOOL, as_stream="JOURNAL", strip_prefix=f"{name.lower()}.")
    return await verify(integrity_for(js, signer()), scope)


async def test_the_route_seals_what_is_not_anchored_and_then_nothing_more(audit):
    before = await journal_line(audit)

    first = await anchor(audit)
    again = await anchor(audit)
    after = await journal_line(audit)

    assert before["not_anchored"] == before["events"] > 0
    assert first["written"]["JOURNAL"] == 1
    (sealed,) = first["anchors"]
    assert sealed["subject"].startswith(f"aud.{SCHOOL}.anchor.journal-")
    assert sealed["signature_valid"] is True
    assert sealed["count"] == before["events"]
    assert again == {"written": dict.fromkeys(STREAMS, 0), "anchors": []}
    assert (after["ok"], after["anchors"], after["not_anchored"]) == (True, 1, 0)


async def test_an_altered_last_event_is_only_counted_before_its_anchor_and_caught_after(audit, js):
    (sealed,) = (await anchor(audit))["anchors"]
    await set_topic(audit, "Дроби")  # the lesson's last event, after the anchor
    line = await journal_line(audit)
    last = await copy_with_last_altered(js, "BEFORE")
    before = await verify_copy(js, "BEFORE")

    (continued,) = (await anchor(audit))["anchors"]
    await copy_with_last_altered(js, "AFTER")
    after = await verify_copy(js, "AFTER")

    # Before its anchor nothing can tell (the chain ends at the altered event): it is counted.
    assert (line["ok"], line["not_anchored"]) == (True, 1)
    assert before.ok
    assert before.not_anchored == 1
    # The next anchor seals it (on the same day, its subject ends with its first sequence) ...
    assert (continued["first_seq"], continued["last_seq"]) == (last, last)
    if continued["day"] == sealed["day"]:
        assert continued["subject"] == f"{sealed['subject']}-{last}"
    # ... and then the same alteration is a mismatch of that anchor.
    assert [(p.kind, p.seq) for p in after.problems] == [("anchor_mismatch", last)]
    assert after.not_anchored == 0


async def test_anchoring_needs_an_audit_role_of_the_school_and_a_key(audit, js):
    other = await audit.http.post(
        f"/audit/v1/schools/{SCHOOL}/anchors", headers=audit.headers("aud1", "auditor", school="s2")
    )
    teacher = await audit.http.post(
        f"/audit/v1/schools/{SCHOOL}/anchors", headers=audit.headers("t1", "teacher")
    )
    async with app_over(integrity_for(js, None)) as keyless:
        unsigned = await keyless.http.post(
            f"/audit/v1/schools/{SCHOOL}/anchors", headers=keyless.headers("aud1", "auditor")
        )

    assert (other.status_code, teacher.status_code, unsigned.status_code) == (403, 403, 503)
