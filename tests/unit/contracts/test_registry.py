from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar

import pytest
from pydantic import ValidationError

from contracts.base import Event
from contracts.journal import (
    JOURNAL_EVENTS,
    AbsenceEntry,
    LessonEntriesSaved,
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
