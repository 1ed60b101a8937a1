from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import ClassVar

import pytest
from pydantic import ValidationError

from contracts.base import Event
from contracts.journal import (
    JOURNAL_EVENTS,
    AbsenceEntry,
    LessonEntriesSaved,
    LessonHeld,
    MarkEntry,
    MarkRecorded,
)
from contracts.registry import JOURNAL_REGISTRY, Registry, UnknownEventType, UnsupportedVersion


def test_every_journal_event_has_a_unique_stable_name():
    names = [model.event_type for model in JOURNAL_EVENTS]
    assert len(names) == len(set(names))
    assert all(name.startswith("journal.") for name in names)


def test_an_event_round_trips_through_json():
    event = LessonEntriesSaved(
        held=True,
        topic="Дроби",
        marks=(
            MarkEntry(
                mark_id="m1", pupil_id="p1", value="5", work_kind_id="test", weight=Decimal(2)
            ),
        ),
        attendance=(AbsenceEntry(pupil_id="p2", kind="late", minutes_late=5),),
    )
    data = event.model_dump(mode="json")
    assert JOURNAL_REGISTRY.decode(event.event_type, 1, data) == event


def test_events_are_frozen():
    event = MarkRecorded(
        mark=MarkEntry(mark_id="m1", pupil_id="p1", value="5", work_kind_id="oral", weight=1)
    )
    with pytest.raises(ValidationError):
        event.mark = event.mark  # type: ignore[misc]


def test_unknown_fields_are_refused():
    with pytest.raises(ValidationError):
        JOURNAL_REGISTRY.decode("journal.LessonHeld", 1, {"surprise": 1})


def test_unknown_type_and_future_version_are_refused():
    with pytest.raises(UnknownEventType):
        JOURNAL_REGISTRY.decode("journal.Nope", 1, {})
    with pytest.raises(UnsupportedVersion):
        JOURNAL_REGISTRY.decode("journal.LessonHeld", 2, {})


class _Renamed(Event):
    event_type: ClassVar[str] = "test.Renamed"
    schema_version: ClassVar[int] = 3
    title: str
    on: dt.date


def test_old_versions_are_upcast_through_the_whole_chain():
    registry = Registry(
        [_Renamed],
        {
            ("test.Renamed", 1): lambda d: {"name": d["name"], "on": "2026-09-01"},
            ("test.Renamed", 2): lambda d: {"title": d["name"], "on": d["on"]},
        },
    )
    event = registry.decode("test.Renamed", 1, {"name": "x"})
    assert event == _Renamed(title="x", on=dt.date(2026, 9, 1))


def test_a_gap_in_the_upcaster_chain_is_reported():
    registry = Registry([_Renamed], {("test.Renamed", 2): lambda d: d})
    with pytest.raises(UnsupportedVersion, match="no upcaster"):
        registry.decode("test.Renamed", 1, {})


def _body(event: Event, **envelope: object) -> bytes:
    fields = {
        "event_id": "6632205f-4db1-56ce-9c1c-f4f664c47f38",
        "event_type": event.event_type,
        "schema_version": event.schema_version,
        "occurred_at": "2026-09-01T08:00:00Z",
        "actor": {"id": "t1", "role": "teacher"},
        "school": "s1",
        "year": 2026,
        "correlation_id": "c1",
        "causation_id": "c1",
        "data": event.model_dump(mode="json"),
        **envelope,
    }
    return json.dumps(fields).encode()


def test_a_current_message_is_validated_in_one_pass_into_its_model():
    event = MarkRecorded(
        mark=MarkEntry(mark_id="m1", pupil_id="p1", value="5", work_kind_id="oral", weight=1)
    )

    envelope = JOURNAL_REGISTRY.decode_current(_body(event), event.event_type, 1)

    assert envelope is not None
    assert envelope.data == event
    assert (envelope.event_type, envelope.school, envelope.actor.id) == (
        event.event_type,
        "s1",
        "t1",
    )


def test_one_pass_decoding_declines_what_the_general_path_must_decide():
    event = LessonHeld()
    body = _body(event)
    registry = JOURNAL_REGISTRY

    assert registry.decode_current(body, "journal.TopicSet", 1) is None  # the claim is wrong
    assert registry.decode_current(body, event.event_type, 0) is None  # no or odd version
    assert registry.decode_current(body, event.event_type, 2) is None  # not the current one
    assert registry.decode_current(body, "journal.Nope", 1) is None
    assert registry.decode_current(_body(event, schema_version=2), event.event_type, 1) is None
    assert registry.decode_current(_body(event, data={"x": 1}), event.event_type, 1) is None
    assert registry.decode_current(b"not json", event.event_type, 1) is None
