"""A projector's health: running, no failing batch, not stuck with events waiting."""

from __future__ import annotations

import dataclasses
import datetime as dt

from services.common.projector import STUCK_AFTER, ProjectorStatus


def _fine() -> ProjectorStatus:
    """A caught-up projector whose last batch was long ago (as of the moment of the call: the
    status compares with the clock, so a time taken at import would age with the suite)."""
    return ProjectorStatus(
        projection="p",
        running=True,
        last_seq=10,
        pending=0,
        stream_last_seq=10,
        dead_letters=0,
        batches=3,
        events_applied=10,
        last_batch_at=dt.datetime.now(dt.UTC) - 2 * STUCK_AFTER,
    )


def test_a_caught_up_projector_is_healthy_however_long_the_stream_is_quiet():
    assert _fine().healthy


def test_events_waiting_without_a_batch_for_too_long_is_stuck():
    stuck = dataclasses.replace(_fine(), pending=5)
    assert stuck.stuck
    assert not stuck.healthy
    recent = dataclasses.replace(stuck, last_batch_at=dt.datetime.now(dt.UTC))
    assert recent.healthy


def test_a_stopped_or_failing_projector_is_unhealthy():
    assert not dataclasses.replace(_fine(), running=False).healthy
    assert not dataclasses.replace(_fine(), last_error="boom").healthy
