"""Invariants of the pupil access aggregate under any sequence of commands."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.base import Event
from contracts.enrollment import (
    ApplicationApproved,
    ApplicationSubmitted,
    PassportChecked,
    PupilDeparted,
)
from services.enrollment.domain import pupil_access
from services.enrollment.domain.commands import (
    ApproveApplication,
    Facts,
    RecordDeparture,
    RecordPassportCheck,
    RejectApplication,
    SubmitApplication,
    WithdrawLink,
)
from services.enrollment.domain.errors import DomainError

FACTS = Facts(pupil_known=True, known_staff=frozenset({"sec1"}))
app_ids = st.sampled_from([f"p01-a{i}" for i in range(1, 6)])
uids = st.sampled_from([1001, 1002, 1003])
submits = st.builds(
    lambda app_id, uid, parent: SubmitApplication(
        app_id,
        "p01",
        uid,
        "parent" if parent else "pupil",
        "Заявитель",
        "mother" if parent else None,
    ),
    app_ids,
    uids,
    st.booleans(),
)
commands = st.one_of(
    submits,
    st.builds(RecordPassportCheck, app_ids, st.sampled_from(["sec1", "sec1", "nobody"])),
    st.builds(ApproveApplication, app_ids),
    st.builds(RejectApplication, app_ids, st.just("причина")),
    st.builds(WithdrawLink, app_ids, st.sampled_from(["parent", "pupil", "school"]), st.just("x")),
    st.builds(RecordDeparture, st.just(dt.date(2026, 12, 25)), st.just("переезд")),
)


def run(cmds: list[object]) -> tuple[pupil_access.PupilAccess, list[Event]]:
    """Decide and fold every command; refused ones record nothing."""
    state, history = pupil_access.INITIAL, []
    for cmd in cmds:
        try:
            events = pupil_access.decide(cmd, state, FACTS)  # type: ignore[arg-type]
        except DomainError:
            continue
        assert len(events) == 1  # one event per command
        history.extend(events)
        state = pupil_access.evolve(state, events[0])
    return state, history


@settings(max_examples=300)
@given(st.lists(commands, max_size=30))
def test_at_most_one_live_link_per_uid(cmds):
    state, _ = run(cmds)
    live = [a.uid for a in state.live_links()]
    assert len(live) == len(set(live))


@settings(max_examples=300)
@given(st.lists(commands, max_size=30))
def test_every_live_link_came_from_a_checked_and_approved_application(cmds):
    state, history = run(cmds)
    for app in state.live_links():
        steps = [
            type(e) for e in history if getattr(e, "application_id", None) == app.application_id
        ]
        assert steps[:3] == [ApplicationSubmitted, PassportChecked, ApplicationApproved]


@settings(max_examples=300)
@given(st.lists(commands, max_size=30))
def test_departure_ends_every_live_link_and_nothing_opens_after_it(cmds):
    state, history = run(cmds)
    departures = [i for i, e in enumerate(history) if isinstance(e, PupilDeparted)]
    assert len(departures) <= 1
    if departures:
        assert state.departed
        assert state.live_links() == ()
        after = history[departures[0] + 1 :]
        opening = (ApplicationSubmitted, PassportChecked, ApplicationApproved)
        assert not any(isinstance(e, opening) for e in after)


@settings(max_examples=300)
@given(st.lists(commands, max_size=30))
def test_at_most_one_open_application_per_uid(cmds):
    state, _ = run(cmds)
    open_uids = [a.uid for a in state.applications.values() if a.open or a.live]
    assert len(open_uids) == len(set(open_uids))


@settings(max_examples=200)
@given(st.lists(commands, max_size=30))
def test_the_fold_of_the_history_is_the_state(cmds):
    state, history = run(cmds)
    refolded = pupil_access.INITIAL
    for event in history:
        refolded = pupil_access.evolve(refolded, event)
    assert refolded == state
