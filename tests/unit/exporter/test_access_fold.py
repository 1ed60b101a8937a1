"""The fold of the enrollment stream into links and staff UIDs (`domain.access`)."""

from __future__ import annotations

import datetime as dt
from functools import reduce

from hypothesis import given
from hypothesis import strategies as st

from contracts.enrollment import (
    ApplicationApproved,
    ApplicationSubmitted,
    LinkWithdrawn,
    PupilDeparted,
    StaffUidRecorded,
    StaffUidRevoked,
)
from services.exporter.domain.access import (
    LinkState,
    StaffUid,
    evolve_links,
    evolve_staff,
    parse_enrollment,
)


def approved(application: str, uid: int, relation: str = "parent") -> ApplicationApproved:
    return ApplicationApproved(application_id=application, uid=uid, relation=relation)


def withdrawn(application: str, uid: int) -> LinkWithdrawn:
    return LinkWithdrawn(application_id=application, uid=uid, requested_by="parent", reason="x")


def departed(*applications: str) -> PupilDeparted:
    return PupilDeparted(last_day=dt.date(2026, 12, 1), reason="x", ended=applications)


def test_an_approval_links_the_uid_and_a_submission_alone_does_not():
    submitted = ApplicationSubmitted(
        application_id="a1", pupil_id="p1", uid=7, relation="parent", applicant_name="Имя"
    )
    assert evolve_links({}, submitted) == {}
    assert evolve_links({}, approved("a1", 7)) == {"a1": LinkState(7, "parent")}


def test_a_withdrawal_ends_only_its_own_link():
    links = reduce(evolve_links, [approved("a1", 7), approved("a2", 8, "pupil")], {})
    after = evolve_links(links, withdrawn("a1", 7))
    assert after == {"a1": LinkState(7, "parent", "withdrawn"), "a2": LinkState(8, "pupil")}


def test_a_departure_ends_every_live_link_and_keeps_how_earlier_ones_ended():
    links = reduce(evolve_links, [approved("a1", 7), approved("a2", 8), withdrawn("a1", 7)], {})
    after = evolve_links(links, departed("a2"))
    assert after == {
        "a1": LinkState(7, "parent", "withdrawn"),
        "a2": LinkState(8, "parent", "departed"),
    }


def test_a_withdrawal_of_an_unknown_or_ended_link_changes_nothing():
    links = evolve_links({}, approved("a1", 7))
    assert evolve_links(links, withdrawn("zz", 7)) is links
    ended = evolve_links(links, withdrawn("a1", 7))
    assert evolve_links(ended, withdrawn("a1", 7)) is ended


def test_a_recorded_staff_uid_replaces_the_earlier_one_and_a_revocation_ends_it():
    first = evolve_staff(None, StaffUidRecorded(staff_id="t1", uid=5))
    assert first == StaffUid(5)
    second = evolve_staff(first, StaffUidRecorded(staff_id="t1", uid=6))
    assert second == StaffUid(6)
    # The old UID's revocation does not end the new one.
    assert evolve_staff(second, StaffUidRevoked(staff_id="t1", uid=5, reason="x")) == second
    assert evolve_staff(second, StaffUidRevoked(staff_id="t1", uid=6, reason="x")) == StaffUid(
        6, live=False
    )


def test_enrollment_subjects_parse_into_school_kind_and_id():
    assert parse_enrollment("enr.s1.pupil.p01") == ("s1", "pupil", "p01")
    assert parse_enrollment("enr.s1.staff.t-math") == ("s1", "staff", "t-math")
    assert parse_enrollment("enr.s1.other.x") is None
    assert parse_enrollment("jrn.2026.s1.5a.class.5a") is None


_EVENTS = st.one_of(
    st.builds(approved, st.sampled_from(["a1", "a2", "a3"]), st.integers(1, 4)),
    st.builds(withdrawn, st.sampled_from(["a1", "a2", "a3"]), st.integers(1, 4)),
    st.builds(departed),
)


@given(st.lists(_EVENTS, max_size=12))
def test_a_link_once_ended_by_a_departure_stays_ended_until_approved_again(events):
    links = reduce(evolve_links, events, {})
    last_departure = max(
        (i for i, e in enumerate(events) if isinstance(e, PupilDeparted)), default=-1
    )
    approved_after = {
        e.application_id for e in events[last_departure + 1 :] if isinstance(e, ApplicationApproved)
    }
    for application, link in links.items():
        if last_departure >= 0 and application not in approved_after:
            assert link.ended is not None
