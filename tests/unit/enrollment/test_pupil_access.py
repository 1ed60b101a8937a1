"""The pupil access decider and fold: given events, when a command, then an event or a refusal."""

from __future__ import annotations

import datetime as dt
from functools import reduce

import pytest

from contracts.base import Event
from contracts.enrollment import (
    ApplicationApproved,
    ApplicationRejected,
    ApplicationSubmitted,
    LinkWithdrawn,
    PassportChecked,
    PupilDeparted,
)
from services.enrollment.domain import errors, pupil_access
from services.enrollment.domain.commands import (
    ApproveApplication,
    Facts,
    PupilCommand,
    RecordDeparture,
    RecordPassportCheck,
    RejectApplication,
    SubmitApplication,
    WithdrawLink,
)

FACTS = Facts(pupil_known=True, known_staff=frozenset({"adm1", "sec1"}))
MOTHER = SubmitApplication("p01-a1", "p01", 1001, "parent", "Иванова Мария", "mother", "+7 900")
SUBMITTED = ApplicationSubmitted(
    application_id="p01-a1",
    pupil_id="p01",
    uid=1001,
    relation="parent",
    applicant_name="Иванова Мария",
    kinship="mother",
    contact="+7 900",
)
CHECKED = PassportChecked(application_id="p01-a1", checked_by="sec1")
APPROVED = ApplicationApproved(application_id="p01-a1", uid=1001, relation="parent")


def given(*events: Event) -> pupil_access.PupilAccess:
    return reduce(pupil_access.evolve, events, pupil_access.INITIAL)


def when(cmd: PupilCommand, *history: Event, facts: Facts = FACTS) -> Event:
    (event,) = pupil_access.decide(cmd, given(*history), facts)
    return event


def refused(cmd: PupilCommand, *history: Event, facts: Facts = FACTS) -> str:
    with pytest.raises(errors.DomainError) as caught:
        pupil_access.decide(cmd, given(*history), facts)
    return caught.value.reason


def test_a_parents_application_is_submitted_with_its_details():
    assert when(MOTHER) == SUBMITTED


def test_an_application_for_an_unknown_pupil_is_refused():
    assert refused(MOTHER, facts=Facts(pupil_known=False)) == "unknown_pupil"


def test_a_parent_states_the_kinship_and_a_pupil_does_not():
    no_kinship = SubmitApplication("p01-a2", "p01", 1002, "parent", "Иванов", None)
    assert refused(no_kinship) == "kinship_required"
    pupil_with_kinship = SubmitApplication("p01-a2", "p01", 1002, "pupil", "Иванов", "father")
    assert refused(pupil_with_kinship) == "kinship_not_allowed"


def test_a_second_open_application_for_the_same_uid_is_a_duplicate():
    again = SubmitApplication("p01-a2", "p01", 1001, "parent", "Иванова Мария", "mother")
    assert refused(again, SUBMITTED) == "duplicate_application"
    assert refused(again, SUBMITTED, CHECKED) == "duplicate_application"


def test_a_uid_with_a_live_link_cannot_apply_again():
    again = SubmitApplication("p01-a2", "p01", 1001, "parent", "Иванова Мария", "mother")
    assert refused(again, SUBMITTED, CHECKED, APPROVED) == "uid_already_linked"


def test_a_uid_may_apply_again_after_its_link_was_withdrawn_or_rejected():
    again = SubmitApplication("p01-a2", "p01", 1001, "parent", "Иванова Мария", "mother")
    withdrawn = LinkWithdrawn(
        application_id="p01-a1", uid=1001, requested_by="parent", reason="заявление"
    )
    assert isinstance(when(again, SUBMITTED, CHECKED, APPROVED, withdrawn), ApplicationSubmitted)
    rejected = ApplicationRejected(application_id="p01-a1", reason="ФИО не совпадают")
    assert isinstance(when(again, SUBMITTED, rejected), ApplicationSubmitted)


def test_the_pupil_has_one_own_account():
    own = SubmitApplication("p01-a2", "p01", 2001, "pupil", "Иванов Пётр")
    first = when(own)
    other = SubmitApplication("p01-a3", "p01", 2002, "pupil", "Иванов Пётр")
    assert refused(other, first) == "pupil_account_linked"


def test_the_passport_check_names_a_known_member_of_staff():
    assert when(RecordPassportCheck("p01-a1", "sec1"), SUBMITTED) == CHECKED
    assert refused(RecordPassportCheck("p01-a1", "nobody"), SUBMITTED) == "unknown_staff"
    assert refused(RecordPassportCheck("p01-a9", "sec1"), SUBMITTED) == "application_not_found"
    assert refused(RecordPassportCheck("p01-a1", "sec1"), SUBMITTED, CHECKED) == "already_checked"


def test_approval_needs_the_passport_check():
    assert refused(ApproveApplication("p01-a1"), SUBMITTED) == "not_checked"
    assert when(ApproveApplication("p01-a1"), SUBMITTED, CHECKED) == APPROVED


def test_a_decided_application_is_not_decided_again():
    assert refused(ApproveApplication("p01-a1"), SUBMITTED, CHECKED, APPROVED) == "already_decided"
    reject = RejectApplication("p01-a1", "поздно")
    assert refused(reject, SUBMITTED, CHECKED, APPROVED) == "already_decided"


def test_any_open_application_may_be_rejected():
    reject = RejectApplication("p01-a1", "ФИО не совпадают")
    expected = ApplicationRejected(application_id="p01-a1", reason="ФИО не совпадают")
    assert when(reject, SUBMITTED) == expected
    assert when(reject, SUBMITTED, CHECKED) == expected


def test_only_a_live_link_is_withdrawn():
    withdraw = WithdrawLink("p01-a1", "parent", "письменное заявление")
    assert refused(withdraw, SUBMITTED, CHECKED) == "link_not_live"
    assert when(withdraw, SUBMITTED, CHECKED, APPROVED) == LinkWithdrawn(
        application_id="p01-a1", uid=1001, requested_by="parent", reason="письменное заявление"
    )


def test_departure_ends_every_live_link_and_closes_the_door():
    second = ApplicationSubmitted(
        application_id="p01-a2", pupil_id="p01", uid=2001, relation="pupil", applicant_name="П"
    )
    history = (
        SUBMITTED,
        CHECKED,
        APPROVED,
        second,
        PassportChecked(application_id="p01-a2", checked_by="sec1"),
        ApplicationApproved(application_id="p01-a2", uid=2001, relation="pupil"),
    )
    depart = RecordDeparture(dt.date(2026, 12, 25), "переезд")
    event = when(depart, *history)
    assert event == PupilDeparted(
        last_day=dt.date(2026, 12, 25), reason="переезд", ended=("p01-a1", "p01-a2")
    )
    after = given(*history, event)
    assert after.departed
    assert after.live_links() == ()
    assert {a.status for a in after.applications.values()} == {"ended"}
    assert refused(MOTHER, *history, event) == "pupil_departed"
    assert refused(depart, *history, event) == "pupil_departed"


def test_open_applications_cannot_be_checked_or_approved_after_departure():
    gone = PupilDeparted(last_day=dt.date(2026, 12, 25), reason="переезд", ended=())
    assert refused(RecordPassportCheck("p01-a1", "sec1"), SUBMITTED, gone) == "pupil_departed"
    assert refused(ApproveApplication("p01-a1"), SUBMITTED, CHECKED, gone) == "pupil_departed"
    reject = RejectApplication("p01-a1", "выбыл")
    assert isinstance(when(reject, SUBMITTED, gone), ApplicationRejected)


def test_evolve_ignores_events_about_unknown_applications():
    assert given(CHECKED, APPROVED) == pupil_access.INITIAL


def test_an_unknown_command_fails_loudly():
    with pytest.raises(TypeError):
        pupil_access.decide("not a command", pupil_access.INITIAL, FACTS)  # type: ignore[arg-type]
