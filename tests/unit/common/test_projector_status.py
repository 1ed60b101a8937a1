"""A projector's health: running, no failing batch, not stuck with events waiting."""

from __future__ import annotations

import dataclasses
import datetime as dt

from services.common.projector import STUCK_AFTER, ProjectorStatus

NOW = dt.datetime.now(dt.UTC)
FINE = ProjectorStatus(
    projection="p",
    running=True,
    last_seq=10,
    pending=0,
    stream_last_seq=10,
    dead_letters=0,
    batches=3,
    events_applied=10,
    last_batch_at=NOW - 2 * STUCK_AFTER,
)


def test_a_caught_up_projector_is_healthy_however_long_the_stream_is_quiet():
    assert FINE.healthy


def test_events_waiting_without_a_batch_for_too_long_is_stuck():
    stuck = dataclasses.replace(FINE, pending=5)
    assert stuck.stuck
    assert not stuck.healthy
    recent = dataclasses.replace(stuck, last_batch_at=NOW)
    assert recent.healthy


def test_a_stopped_or_failing_projector_is_unhealthy():
    assert not dataclasses.replace(FINE, running=False).healthy
    assert not dataclasses.replace(FINE, last_error="boom").healthy
