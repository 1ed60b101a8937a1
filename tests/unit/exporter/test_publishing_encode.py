"""How a batch encodes its records: once, canonically, as the diary hashes them.

A lesson's content is built key-sorted and serialised as it is (`presorted_json`), every other
kind is sorted by `canonical_json`; the body is the envelope written once per record type with
each record's id and JSON put in; each distinct free text is redacted once per batch. What the
diary receives must hash to the manifest's checksum exactly as before these shortcuts.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.diary import (
    DIARY_EVENTS,
    LessonRecord,
    SchoolRecord,
    batch_checksum,
    canonical_json,
    presorted_json,
)
from contracts.text import STORED
from services.common.name_guard import NameGuard
from services.exporter.application.ports import Deps
from services.exporter.application.publishing import (
    BatchInfo,
    _Bodies,
    envelope_body,
    publish_batch,
    record_json,
)
from services.exporter.domain import batches
from services.exporter.domain.docs import Doc
from services.exporter.domain.records import PRESORTED
from services.exporter.domain.redaction import redact_doc
from tests.support.clock import FakeClock
from tests.unit.exporter.export_fakes import CaughtUpState, Files, Runs
from tests.unit.exporter.test_fold_properties import fold_into, histories, shown

NOW = dt.datetime(2026, 10, 1, 16, 0, tzinfo=dt.UTC)
INFO = BatchInfo("b" + "0" * 24, "full", "s1", 2026, 0, 99, NOW, "run-1")
GUARD = NameGuard(("Акимова Вероника Антоновна",))


def sorted_throughout(value: object) -> bool:
    """Whether every mapping within `value` has its keys in sorted order."""
    if isinstance(value, dict):
        return list(value) == sorted(value) and all(map(sorted_throughout, value.values()))
    if isinstance(value, list | tuple):
        return all(map(sorted_throughout, value))
    return True


@given(histories)
@settings(max_examples=150, deadline=None)
def test_a_lessons_content_is_its_canonical_json_as_it_is(history):
    for doc in shown(fold_into({}, history)).values():
        if doc.kind not in PRESORTED:
            continue
        assert sorted_throughout(doc.content)
        validated = LessonRecord.model_validate(
            {**doc.content, "batch_id": "b1", "index": 0, "seq": doc.seq}, context=STORED
        )
        assert presorted_json(doc.content) == canonical_json(validated.content())
        named = {**doc.content, "topic": "Доклад Акимовой Вероники"}
        redacted, _ = redact_doc(Doc(doc.kind, doc.record_id, doc.seq, named), GUARD.redact)
        assert sorted_throughout(redacted.content)


texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=20,
)


def presort(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: presort(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [presort(item) for item in value]
    return value


@given(json_values)
@settings(max_examples=300, deadline=None)
def test_presorted_json_is_canonical_json_byte_for_byte(value):
    assert presorted_json(presort(value)) == canonical_json(value)


def test_a_record_body_is_the_envelope_of_its_json():
    record = SchoolRecord(batch_id=INFO.batch_id, index=3, seq=7, school_id="s1")
    event_id = batches.record_event_id(INFO.batch_id, 3)
    data = record_json(INFO.batch_id, 3, 7, canonical_json(record.content()))
    spliced = _Bodies(INFO).body(event_id, SchoolRecord, data)
    expected = envelope_body(INFO, event_id, record, record.model_dump(mode="json"))
    assert json.loads(spliced) == json.loads(expected)
    assert record_json("b1", 0, 1, b"{}") == b'{"batch_id":"b1","index":0,"seq":1}'


class Collected:
    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    async def publish(self, subject: str, body: bytes, headers: dict[str, str]) -> None:
        self.bodies.append(body)


class Counting:
    """A redactor that counts the texts it is asked about."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def __call__(self, text: str) -> tuple[str, int]:
        self.asked.append(text)
        return GUARD.redact(text)


CLASS = {
    "class_id": "5a",
    "grade": 5,
    "label": "5А",
    "class_teacher_id": "t1",
    "members": [],
    "teaching": [],
}


def lesson_doc(number: int, topic: str) -> Doc:
    content = {
        "absences": [],
        "class_id": "5a",
        "corrected_after_close": False,
        "date": "2026-09-07",
        "files": [],
        "group": None,
        "homework": "§12",
        "homework_due_on": None,
        "lesson_id": f"5a-{number}",
        "marks": [],
        "slot": 1,
        "status": "held",
        "subject_id": "math",
        "teacher_id": "t1",
        "topic": topic,
    }
    return Doc("lesson", f"5a-{number}", number, content)


async def test_the_batch_hashes_as_the_diary_does_and_redacts_each_text_once():
    docs = [
        Doc("class", "5a", 1, CLASS),
        *(lesson_doc(n, "Доклад Акимовой Вероники" if n % 2 else "Дроби") for n in range(2, 8)),
    ]

    async def feed() -> AsyncIterator[Doc]:
        for doc in docs:
            yield doc

    publisher, redactor = Collected(), Counting()
    deps = Deps(Runs(), CaughtUpState(), publisher, Files(), FakeClock(NOW))
    published = await publish_batch(deps, INFO, feed(), redactor)
    assert (published.records, published.names_redacted) == (7, 3)
    assert sorted(redactor.asked) == sorted({"5А", "§12", "Дроби", "Доклад Акимовой Вероники"})
    bodies = [json.loads(body) for body in publisher.bodies]
    types = {event.event_type: event for event in DIARY_EVENTS}
    records = [types[b["event_type"]].model_validate(b["data"]) for b in bodies[:-1]]
    assert published.checksum == bodies[-1]["data"]["checksum"] == batch_checksum(records)
    assert [b["event_id"] for b in bodies[:-1]] == [
        str(batches.record_event_id(INFO.batch_id, n)) for n in range(7)
    ]
    assert all(uuid.UUID(b["event_id"]) for b in bodies)
