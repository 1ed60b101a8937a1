"""Repairing stored events whose text PostgreSQL cannot store, and decoding them (no servers)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from nats.aio.msg import Msg

from contracts.envelope import Actor
from contracts.journal import MarkEntry, MarkRecorded
from contracts.registry import JOURNAL_REGISTRY
from services.common.eventstore import read_envelope
from services.common.projector_batch import DeadLetter, Delivered, Projected
from services.common.projector_decode import decode
from services.common.text_repair import has_unstorable_text, repair_body
from tests.support.stored_events import envelope_of

REPLY = "$JS.ACK.JOURNAL.view_v1.1.7.7.1795918110657766920.0"
MARK = MarkEntry(
    mark_id="m1", pupil_id="p01", value="5", work_kind_id="oral", weight=Decimal(1), comment="ok"
)


def mark_body(comment: str, **envelope_changes: object) -> bytes:
    """A MarkRecorded as another writer may have stored it: json.dumps escapes the comment."""
    data = MarkRecorded(mark=MARK).model_dump(mode="json")
    data["mark"]["comment"] = comment
    envelope = envelope_of(
        MarkRecorded(mark=MARK),
        actor=Actor(id="t-math", role="teacher"),
        at=dt.datetime(2026, 9, 7, 9, tzinfo=dt.UTC),
        data={},
    ).model_dump(mode="json")
    return json.dumps({**envelope, "data": data, **envelope_changes}).encode()


def message(body: bytes) -> Msg:
    headers = {"Event-Type": MarkRecorded.event_type, "Schema-Version": "1"}
    return Msg(
        _client=None, subject="jrn.2026.s1.5a.lesson.l1", reply=REPLY, data=body, headers=headers
    )


def test_nul_and_lone_surrogates_become_u_fffd_with_their_fields_named():
    repaired = repair_body(mark_body("a\x00b\ud800"))

    assert repaired is not None
    assert repaired.fields == ("data.mark.comment",)
    assert json.loads(repaired.body)["data"]["mark"]["comment"] == "a\ufffdb\ufffd"


def test_list_items_and_keys_are_named_too():
    body = json.dumps({"data": {"marks": [{"comment": "x"}, {"comment": "\x00"}], "k\x00": 1}})

    repaired = repair_body(body.encode())

    assert repaired is not None
    assert repaired.fields == ("data.marks[1].comment", "data.k\ufffd{key}")


def test_clean_bodies_pairs_and_non_json_are_left_alone():
    assert repair_body(mark_body("fine")) is None
    assert repair_body(mark_body("emoji \U0001f600")) is None  # escaped as a valid pair
    assert repair_body(b'{"a": "\\\\u0000 is only text"}') is None
    assert repair_body(b"\x00not json \\u0000") is None
    assert not has_unstorable_text(mark_body("fine"))
    assert has_unstorable_text(mark_body("\x00"))


@given(st.text())
def test_a_repaired_body_holds_nothing_unstorable_and_repairs_to_itself(text):
    repaired = repair_body(mark_body(text))
    body = mark_body(text) if repaired is None else repaired.body

    assert repair_body(body) is None
    assert ("\x00" in text) == (repaired is not None)


def test_the_projector_applies_a_repaired_event_and_says_where():
    item = decode(message(mark_body("хорошо\x00")), JOURNAL_REGISTRY)

    assert isinstance(item, Projected)
    assert isinstance(item.stored, Delivered)
    assert item.stored.repaired == ("data.mark.comment",)
    assert isinstance(item.event, MarkRecorded)
    assert item.event.mark.comment == "хорошо\ufffd"


def test_an_event_still_invalid_after_the_repair_is_a_dead_letter_of_the_original():
    body = mark_body("\x00" * 600)  # repaired, but longer than a comment may be

    item = decode(message(body), JOURNAL_REGISTRY)

    assert isinstance(item, DeadLetter)
    assert "ValidationError" in item.reason
    assert "\\u0000" in item.body


def test_a_clean_event_carries_no_repair():
    item = decode(message(mark_body("ok")), JOURNAL_REGISTRY)

    assert isinstance(item, Projected)
    assert item.stored.repaired == ()


def test_the_event_store_loads_an_aggregate_holding_such_an_event():
    envelope = read_envelope("jrn.2026.s1.5a.lesson.l1", 7, mark_body("\ud800"))

    event = JOURNAL_REGISTRY.decode(envelope.event_type, envelope.schema_version, envelope.data)

    assert isinstance(event, MarkRecorded)
    assert event.mark.comment == "\ufffd"
