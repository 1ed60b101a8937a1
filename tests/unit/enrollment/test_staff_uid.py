"""The staff UID decider and fold."""

from __future__ import annotations

from functools import reduce

import pytest

from contracts.base import Event
from contracts.enrollment import StaffUidRecorded, StaffUidRevoked
from services.enrollment.domain import errors, staff_uid
from services.enrollment.domain.commands import Facts, RecordStaffUid, RevokeStaffUid

KNOWN = Facts(known_staff=frozenset({"t-math"}))
RECORDED = StaffUidRecorded(staff_id="t-math", uid=5001)


def given(*events: Event) -> staff_uid.StaffUid:
    return reduce(staff_uid.evolve, events, staff_uid.INITIAL)


def refused(cmd: RecordStaffUid | RevokeStaffUid, state: staff_uid.StaffUid, facts: Facts) -> str:
    with pytest.raises(errors.DomainError) as caught:
        staff_uid.decide(cmd, state, facts)
    return caught.value.reason


def test_a_uid_is_recorded_for_a_known_member_of_staff():
    assert staff_uid.decide(RecordStaffUid("t-math", 5001), given(), KNOWN) == [RECORDED]
    assert given(RECORDED).uid == 5001


def test_unknown_staff_and_a_uid_of_someone_else_are_refused():
    assert refused(RecordStaffUid("t-math", 5001), given(), Facts()) == "unknown_staff"
    taken = Facts(known_staff=frozenset({"t-math"}), uid_holders=frozenset({"t-rus"}))
    assert refused(RecordStaffUid("t-math", 5001), given(), taken) == "uid_in_use"


def test_recording_the_same_uid_again_changes_nothing_and_is_refused():
    mine = Facts(known_staff=frozenset({"t-math"}), uid_holders=frozenset({"t-math"}))
    assert refused(RecordStaffUid("t-math", 5001), given(RECORDED), mine) == "uid_unchanged"


def test_a_new_uid_replaces_the_old_one_in_one_event():
    (event,) = staff_uid.decide(RecordStaffUid("t-math", 5002), given(RECORDED), KNOWN)
    assert event == StaffUidRecorded(staff_id="t-math", uid=5002)
    assert given(RECORDED, event).uid == 5002


def test_revoking_names_the_uid_and_needs_one():
    revoke = RevokeStaffUid("t-math", "уволился")
    assert staff_uid.decide(revoke, given(RECORDED), KNOWN) == [
        StaffUidRevoked(staff_id="t-math", uid=5001, reason="уволился")
    ]
    assert refused(revoke, given(), KNOWN) == "no_uid"
    assert given(RECORDED, StaffUidRevoked(staff_id="t-math", uid=5001, reason="x")).uid is None
