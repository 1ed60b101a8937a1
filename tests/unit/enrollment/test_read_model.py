"""The read model's fold: it agrees with the aggregate, and a redelivered batch changes nothing."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.enrollment import StaffUidRecorded, StaffUidRevoked
from services.enrollment.domain.read_model import REPLACED, Fact, Rows, project, touched

from .test_pupil_access_properties import commands, run

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def facts_of(events, aggregate_id: str = "p01", first_seq: int = 1) -> list[Fact]:
    return [
        Fact(first_seq + i, "s1", aggregate_id, T0 + dt.timedelta(minutes=i), "adm1", event)
        for i, event in enumerate(events)
    ]


@settings(max_examples=200)
@given(st.lists(commands, max_size=30))
def test_the_rows_agree_with_the_aggregate(cmds):
    state, history = run(cmds)
    rows = project(Rows(), facts_of(history))

    by_id = {key[1]: row for key, row in rows.applications.items()}
    assert set(by_id) == set(state.applications)
    for application_id, app in state.applications.items():
        row = by_id[application_id]
        assert row.status == app.status
        assert (row.linked_from is not None) == (app.status in {"approved", "withdrawn", "ended"})
        assert (row.linked_to is not None) == (app.status in {"withdrawn", "ended"})
    assert bool(rows.departures) == state.departed


@settings(max_examples=200)
@given(st.lists(commands, max_size=30), st.integers(0, 30))
def test_a_redelivered_batch_changes_nothing(cmds, cut):
    _, history = run(cmds)
    facts = facts_of(history)
    once = project(Rows(), facts)

    assert project(once, facts) == once
    assert project(project(Rows(), facts[:cut]), facts[cut // 2 :]) == once


def test_touched_names_applications_and_staff():
    _, history = run([])
    assert touched(facts_of(history)).applications == frozenset()
    staff = facts_of([StaffUidRecorded(staff_id="t1", uid=5)], aggregate_id="t1")
    assert touched(staff).staff == frozenset({("s1", "t1")})


def test_a_new_staff_uid_ends_the_old_one_and_a_revocation_ends_the_new():
    events = [
        StaffUidRecorded(staff_id="t1", uid=5001),
        StaffUidRecorded(staff_id="t1", uid=5002),
        StaffUidRevoked(staff_id="t1", uid=5002, reason="уволился"),
    ]
    rows = project(Rows(), facts_of(events, aggregate_id="t1"))

    assert [(r.uid, r.end_reason, r.ended_at) for r in rows.staff_uids.values()] == [
        (5001, REPLACED, T0 + dt.timedelta(minutes=1)),
        (5002, "уволился", T0 + dt.timedelta(minutes=2)),
    ]
