"""Rows of the event log as the audit's tests hand them to the domain and the fakes: school s1,
year 2026, one correlation; each test names only what its case is about."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from contracts.base import Event
from services.audit.domain.log import LoggedEvent

_T0 = dt.datetime(2026, 9, 1, 6, 0, tzinfo=dt.UTC)
_ROW = LoggedEvent(
    stream="JOURNAL",
    seq=1,
    subject="",
    event_type="",
    schema_version=1,
    occurred_at=_T0,
    recorded_at=_T0,
    actor_id="t1",
    actor_role="teacher",
    school="s1",
    year=2026,
    correlation_id="c",
    causation_id="c",
)


def log_row(**fields: Any) -> LoggedEvent:
    """A row of school s1's log, 2026: a teacher's JOURNAL message with `fields` changed."""
    return replace(_ROW, **fields)


def event_row(event: Event, **fields: Any) -> LoggedEvent:
    """`event` as a row: its type, version and payload (as JSON), then `fields` (`log_row`)."""
    as_written = {
        "event_type": event.event_type,
        "schema_version": event.schema_version,
        "data": event.model_dump(mode="json"),
    }
    return log_row(**{**as_written, **fields})
