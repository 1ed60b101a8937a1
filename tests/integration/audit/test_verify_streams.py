"""Verification on real streams: the journal's own events pass; a copy of the stream with an
event altered, removed or moved is caught at its position; anchors are written once."""

from __future__ import annotations

import pytest
import pytest_asyncio
from nats.js import JetStreamContext
from nats.js.api import StreamConfig

from contracts import envelope as hdr
from services.audit.adapters.stream_walk import integrity_for
from services.audit.application.anchoring import anchor_due
from services.audit.application.verification import Scope, verify
from services.common.eventstore_jetstream import JetStreamEventStore
from tests.support.audit_tamper import signer
from tests.support.journal import in_memory_deps, seed_small_school

pytestmark = pytest.mark.integration

COPY, PREFIX = "TAMPER", "tamper."
DROPPED = (hdr.HEADER_EXPECTED_LAST_SUBJECT_SEQ, hdr.HEADER_MSG_ID)


@pytest_asyncio.fixture(loop_scope="session")
async def journal(js: JetStreamContext) -> list:
    """The small school written by the journal's handlers, its days anchored; its messages."""
    await seed_small_school(in_memory_deps(JetStreamEventStore(js, "JOURNAL")))
    run = await anchor_due(integrity_for(js, signer()), streams=("JOURNAL",))
    assert run.written == {"JOURNAL": len(run.anchors)}
    assert run.anchors
    last = (await js.stream_info("JOURNAL")).state.last_seq
    return [await js.get_msg("JOURNAL", seq, direct=True) for seq in range(1, last + 1)]


async def copy(js: JetStreamContext, messages, *, order=None, alter=None) -> None:
    """Copy the messages into a stream of their own, in `order`, `alter`ing one body."""
    await js.add_stream(StreamConfig(name=COPY, subjects=[f"{PREFIX}>"], allow_direct=True))
    for index in order or range(len(messages)):
        msg = messages[index]
        body = msg.data + b" " if index == alter else msg.data
        headers = {k: v for k, v in (msg.headers or {}).items() if k not in DROPPED}
        await js.publish(PREFIX + msg.subject, body, stream=COPY, headers=headers)


async def verify_copy(js: JetStreamContext):
    scope = Scope(COPY, as_stream="JOURNAL", strip_prefix=PREFIX)
    return await verify(integrity_for(js, signer()), scope)


def repeated(messages) -> tuple[int, int]:
    """Indexes of two consecutive events of one subject (the second right after the first)."""
    for index, msg in enumerate(messages):
        later = [i for i in range(index + 1, len(messages)) if messages[i].subject == msg.subject]
        if later:
            return index, later[0]
    raise AssertionError("no subject with two events")


async def test_the_journals_own_history_verifies_against_its_signed_anchors(js, journal):
    integrity = integrity_for(js, signer())
    progress = []

    report = await verify(integrity, Scope("JOURNAL"), progress=lambda s, n: progress.append(s))

    assert report.ok, report.problems
    assert report.events == len(journal)
    assert report.anchors >= 1
    assert report.signatures_checked
    assert progress[-1] == len(journal)


async def test_anchoring_again_writes_nothing(js, journal):
    integrity = integrity_for(js, signer())

    again = await anchor_due(integrity, streams=("JOURNAL",))

    assert again.written == {"JOURNAL": 0}
    anchors = await integrity.store.anchors("s1")
    assert sum(a.count for a in anchors) == len(journal)


async def test_an_unaltered_copy_verifies(js, journal):
    await copy(js, journal)

    report = await verify_copy(js)

    assert report.ok, report.problems
    assert report.anchors >= 1


async def test_an_altered_event_is_caught_at_its_position(js, journal):
    first, second = repeated(journal)
    await copy(js, journal, alter=first)

    report = await verify_copy(js)

    found = {(p.kind, p.seq, p.previous_seq) for p in report.problems}
    assert ("broken_link", journal[second].seq, journal[first].seq) in found
    mismatch = next(p for p in report.problems if p.kind == "anchor_mismatch")
    assert mismatch.seq <= journal[first].seq <= mismatch.last_seq


async def test_a_removed_event_is_caught_at_its_position(js, journal):
    first, second = repeated(journal)
    await copy(js, journal)
    await js.delete_msg(COPY, journal[first].seq)

    report = await verify_copy(js)

    kinds = [(p.kind, p.seq) for p in report.problems]
    assert ("gap", journal[first].seq) in kinds
    assert ("broken_link", journal[second].seq) in kinds
    assert "anchor_mismatch" in {p.kind for p in report.problems}


async def test_a_removed_last_event_is_caught_as_a_trailing_gap(js, journal):
    await copy(js, journal)
    await js.delete_msg(COPY, journal[-1].seq)

    report = await verify_copy(js)

    assert ("gap", journal[-1].seq) in [(p.kind, p.seq) for p in report.problems]


async def test_reordered_events_are_caught_at_their_positions(js, journal):
    first, second = repeated(journal)
    assert second == first + 1
    order = list(range(len(journal)))
    order[first], order[second] = second, first
    await copy(js, journal, order=order)

    report = await verify_copy(js)

    reordered = next(p for p in report.problems if p.kind == "reordered")
    assert (reordered.seq, reordered.last_seq) == (journal[first].seq, journal[second].seq)
    assert "anchor_mismatch" in {p.kind for p in report.problems}


async def test_events_of_two_subjects_reordered_are_caught_by_the_anchor(js, journal):
    index = next(i for i in range(len(journal) - 1) if journal[i].subject != journal[i + 1].subject)
    order = list(range(len(journal)))
    order[index], order[index + 1] = index + 1, index
    await copy(js, journal, order=order)

    report = await verify_copy(js)

    mismatch = [p for p in report.problems if p.kind == "anchor_mismatch"]
    assert len(mismatch) == 1
    assert mismatch[0].seq <= journal[index].seq <= mismatch[0].last_seq
