"""Decoding stream messages for projections, without servers."""

from __future__ import annotations

import datetime as dt
import gc
import json
from typing import ClassVar

import pytest
from nats.aio.msg import Msg

from contracts.base import Event
from contracts.journal import TopicSet
from contracts.registry import JOURNAL_REGISTRY, Registry
from services.common.eventstore import Version, encode, headers_for
from services.common.projector import DeadLetter, Projected
from services.common.projector_decode import (
    decode,
    decode_batch,
    decode_batch_interleaved,
    relaxed_gc,
)
from services.common.pullfeed import position
from tests.support.stored_events import envelope_of

STAMP_NS = 1_795_918_110_657_766_920
V1_REPLY = f"$JS.ACK.JOURNAL.view_v1.1.42.7.{STAMP_NS}.5"
V2_REPLY = f"$JS.ACK.hub.ACCHASH.JOURNAL.view_v1.1.42.7.{STAMP_NS}.5.rnd"


def message(seq: int, body: bytes, headers: dict[str, str] | None = None) -> Msg:
    reply = f"$JS.ACK.JOURNAL.view_v1.1.{seq}.{seq}.{STAMP_NS}.0"
    return Msg(
        _client=None, subject="jrn.2026.s1.5a.lesson.l1", reply=reply, data=body, headers=headers
    )


def topic_set(topic: str) -> tuple[bytes, dict[str, str]]:
    envelope = envelope_of(TopicSet(topic=topic))
    return encode(envelope), headers_for(envelope, expected=Version(), msg_id="m1")


@pytest.mark.parametrize("reply", [V1_REPLY, V2_REPLY])
def test_position_reads_both_ack_subject_layouts(reply):
    seq, stamp, pending = position(reply)

    assert (seq, pending) == (42, 5)
    assert stamp == dt.datetime.fromtimestamp(STAMP_NS / 1e9, dt.UTC)


def test_a_valid_message_decodes_into_the_stored_event_and_model():
    body, headers = topic_set("Fractions")

    item = decode(message(3, body, headers), JOURNAL_REGISTRY)

    assert isinstance(item, Projected)
    assert item.event == TopicSet(topic="Fractions")
    assert (item.stored.seq, item.stored.msg_id) == (3, "m1")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"\x00\xffnot json", "CorruptEvent"),
        (topic_set("x")[0].replace(b"journal.TopicSet", b"journal.Unknown"), "UnknownEventType"),
        (
            topic_set("x")[0].replace(b'"schema_version":1', b'"schema_version":9'),
            "UnsupportedVersion",
        ),
        (topic_set("x")[0].replace(b'"topic":"x"', b'"topic":""'), "ValidationError"),
    ],
)
def test_an_undecodable_message_becomes_a_dead_letter_with_the_reason(body, reason):
    item = decode(message(9, body, {"Event-Type": "journal.TopicSet"}), JOURNAL_REGISTRY)

    assert isinstance(item, DeadLetter)
    assert item.seq == 9
    assert item.reason.startswith(reason)
    assert item.event_type == "journal.TopicSet"
    assert "\x00" not in item.body
    assert json.loads(item.headers) == {"Event-Type": "journal.TopicSet"}


def test_the_body_decides_when_the_headers_disagree_or_are_missing():
    body, headers = topic_set("Fractions")
    wrong = {**headers, "Event-Type": "journal.LessonHeld"}
    old = {**headers, "Schema-Version": "7"}

    for claimed in (wrong, old, {}, None):
        item = decode(message(3, body, claimed), JOURNAL_REGISTRY)

        assert isinstance(item, Projected)
        assert item.event == TopicSet(topic="Fractions")
        assert item.stored.envelope.event_type == "journal.TopicSet"


def test_a_bad_payload_claimed_as_current_still_becomes_a_dead_letter():
    body, headers = topic_set("x")

    item = decode(
        message(9, body.replace(b'"topic":"x"', b'"topic":""'), headers), JOURNAL_REGISTRY
    )

    assert isinstance(item, DeadLetter)
    assert item.reason.startswith("ValidationError")


class _TopicSetV2(Event):
    event_type: ClassVar[str] = "journal.TopicSet"
    schema_version: ClassVar[int] = 2
    title: str


def test_an_old_version_is_upcast_whatever_its_headers_claim():
    registry = Registry([_TopicSetV2], {("journal.TopicSet", 1): lambda d: {"title": d["topic"]}})
    body, headers = topic_set("Fractions")

    for claimed in (headers, {**headers, "Schema-Version": "2"}):
        item = decode(message(3, body, claimed), registry)

        assert isinstance(item, Projected)
        assert item.event == _TopicSetV2(title="Fractions")


def test_a_batch_drops_redelivered_copies_out_of_order():
    body, headers = topic_set("a")
    msgs = [message(seq, body, headers) for seq in (5, 6, 6, 4, 7)]

    batch = decode_batch(msgs, JOURNAL_REGISTRY)

    assert [item.stored.seq for item in batch.items] == [5, 6, 7]
    assert (batch.first_seq, batch.last_seq, batch.pending) == (5, 7, 0)


async def test_interleaved_decoding_gives_the_same_batch():
    body, headers = topic_set("a")
    msgs = [message(seq, body, headers) for seq in (*range(1, 60), 30, 61)]

    assert await decode_batch_interleaved(msgs, JOURNAL_REGISTRY) == decode_batch(
        msgs, JOURNAL_REGISTRY
    )


def test_relaxed_gc_restores_the_thresholds_after_nested_use():
    before = gc.get_threshold()
    with relaxed_gc():
        with relaxed_gc():
            assert gc.get_threshold()[0] >= 100_000
        assert gc.get_threshold()[0] >= 100_000
    assert gc.get_threshold() == before
