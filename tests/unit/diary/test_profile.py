"""The portal user's own data: the decider's rules and the fold (given / when / then)."""

from __future__ import annotations

from functools import reduce

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.portal import ChangesSeen, ChildLabelSet, ThreadRead, UserLabelSet
from services.diary.domain import profile as p
from services.diary.domain.access import Denied
from tests.support.diary import pseudonym

ANNA, BORIS = pseudonym("anna"), pseudonym("boris")
UID = 101
MINE = frozenset({ANNA})


def given_events(*events) -> p.Profile:
    return reduce(p.evolve, events, p.INITIAL)


def test_a_user_labels_themselves_and_a_new_label_replaces_it():
    assert p.decide(p.SetLabel(UID, "мама Маши"), p.INITIAL) == [
        UserLabelSet(uid=UID, label="мама Маши")
    ]
    state = given_events(UserLabelSet(uid=UID, label="мама Маши"))
    assert state.label == "мама Маши"
    assert p.decide(p.SetLabel(UID, "мама Маши"), state) == []  # the same again: nothing
    assert p.decide(p.SetLabel(UID, "папа Маши"), state) == [
        UserLabelSet(uid=UID, label="папа Маши")
    ]


def test_a_child_is_labelled_only_by_a_holder_of_a_grant_for_them():
    assert p.decide(p.SetChildLabel(UID, ANNA, "Маша", MINE), p.INITIAL) == [
        ChildLabelSet(uid=UID, pupil=ANNA, label="Маша")
    ]
    with pytest.raises(Denied) as refused:
        p.decide(p.SetChildLabel(UID, BORIS, "Боря", MINE), p.INITIAL)
    assert refused.value.reason == "no_grant"
    state = given_events(ChildLabelSet(uid=UID, pupil=ANNA, label="Маша"))
    assert state.child(ANNA).label == "Маша"
    assert state.child(BORIS) == p.NO_CHILD
    assert p.decide(p.SetChildLabel(UID, ANNA, "Маша", MINE), state) == []


def test_the_seen_marker_only_moves_forward():
    state = given_events(ChangesSeen(uid=UID, pupil=ANNA, up_to=7))
    assert p.decide(p.MarkSeen(UID, ANNA, 8, MINE), state) == [
        ChangesSeen(uid=UID, pupil=ANNA, up_to=8)
    ]
    assert p.decide(p.MarkSeen(UID, ANNA, 7, MINE), state) == []
    assert p.decide(p.MarkSeen(UID, ANNA, 3, MINE), state) == []
    assert p.decide(p.MarkSeen(UID, ANNA, 0, MINE), p.INITIAL) == []  # nothing seen is the start
    with pytest.raises(Denied) as refused:
        p.decide(p.MarkSeen(UID, BORIS, 9, MINE), state)
    assert refused.value.reason == "no_grant"


def test_a_marker_and_a_label_of_one_child_keep_each_other():
    state = given_events(
        ChangesSeen(uid=UID, pupil=ANNA, up_to=5),
        ChildLabelSet(uid=UID, pupil=ANNA, label="Маша"),
        ThreadRead(thread_id="t1", uid=UID, up_to=1),  # another aggregate's event: no effect
    )
    assert state.child(ANNA) == p.Child(label="Маша", seen_up_to=5)


def test_a_command_the_decider_does_not_know_fails_loudly():
    with pytest.raises(TypeError):
        p.decide(p.ProfileCommand(UID), p.INITIAL)


@given(st.lists(st.integers(min_value=1, max_value=1000), min_size=1, max_size=30))
def test_the_marker_is_the_highest_seen_in_any_order(ups):
    state = given_events(*(ChangesSeen(uid=UID, pupil=ANNA, up_to=u) for u in ups))
    assert state.child(ANNA).seen_up_to == max(ups)
