"""The portal users' own data on the wire: subject, round trips, what a label may hold."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from contracts import subjects
from contracts.portal import ChangesSeen, ChildLabelSet, UserLabelSet
from contracts.registry import PORTAL_REGISTRY
from contracts.streams import PORTAL
from tests.support.diary import pseudonym

ANNA = pseudonym("anna")
EVENTS = [
    UserLabelSet(uid=101, label="мама Маши"),
    ChildLabelSet(uid=101, pupil=ANNA, label="Маша"),
    ChangesSeen(uid=101, pupil=ANNA, up_to=42),
]


def test_a_users_own_data_is_one_aggregate_per_user_on_the_portal_stream():
    assert subjects.portal_user("s1", 101) == "prt.s1.user.101"
    assert subjects.portal_user("s1", 101).startswith(PORTAL.subjects[0][:-1])


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: e.event_type)
def test_the_events_round_trip_through_json(event):
    data = event.model_dump(mode="json")
    assert PORTAL_REGISTRY.decode(event.event_type, event.schema_version, data) == event


def test_a_label_is_trimmed_normalised_and_bounded():
    assert UserLabelSet(uid=1, label="  мама Маши\n").label == "мама Маши"
    assert UserLabelSet(uid=1, label="Ал\u0435\u0308на").label == "Ал\u0451на"  # one form of «ё»
    assert len(UserLabelSet(uid=1, label="x" * 60).label) == 60
    for bad in ("", "   ", "x" * 61, "a\x00b", "a\x1bb"):
        with pytest.raises(ValidationError):
            UserLabelSet(uid=1, label=bad)
    with pytest.raises(ValidationError):
        ChildLabelSet(uid=1, pupil=ANNA, label="x" * 41)
    with pytest.raises(ValidationError):
        ChildLabelSet(uid=1, pupil="Маша", label="Маша")  # pupils are pseudonyms only


def test_a_marker_is_a_change_id():
    with pytest.raises(ValidationError):
        ChangesSeen(uid=1, pupil=ANNA, up_to=0)
