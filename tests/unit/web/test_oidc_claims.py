"""Who the city provider's claims name, and the OpenID Connect settings the web refuses."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from kernel.oidc_claims import ClaimsRefused
from services.web.domain.oidc_claims import (
    STAFF_ROLES,
    ClaimNames,
    StaffMember,
    staff_member,
    staff_roles,
)
from services.web.settings import OidcSettings

NAMES = ClaimNames()


def test_a_teacher_of_a_school_is_a_member_of_staff():
    claims = {"sub": "t015", "roles": ["teacher"], "school": "s1", "name": "Смирнова А. С."}

    assert staff_member(claims, NAMES) == StaffMember("t015", ("teacher",), "s1", "Смирнова А. С.")


def test_only_the_staff_roles_of_the_pages_are_kept():
    claims = {"sub": "d1", "roles": ["parent", "deputy", "official", "head"], "school": "s1"}

    person = staff_member(claims, NAMES)

    assert isinstance(person, StaffMember)
    assert person.roles == ("deputy", "head")
    assert person.name == "d1"  # no name claim: the staff id stands in


def test_the_claims_can_have_other_names():
    names = ClaimNames(staff_id="employee_id", roles="groups", school="org", name="fio")
    claims = {"sub": "x", "employee_id": "t7", "groups": "teacher admin", "org": "s2", "fio": "И"}

    assert staff_member(claims, names) == StaffMember("t7", ("admin", "teacher"), "s2", "И")


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"roles": ["teacher"], "school": "s1"}, "oidc_no_staff_id"),
        ({"sub": "  ", "roles": ["teacher"], "school": "s1"}, "oidc_no_staff_id"),
        ({"sub": "p1", "roles": [], "school": "s1"}, "oidc_no_staff_role"),
        ({"sub": "p1", "roles": ["parent", "pupil"], "school": "s1"}, "oidc_no_staff_role"),
        ({"sub": "p1", "school": "s1"}, "oidc_no_staff_role"),
        ({"sub": "p1", "roles": {"teacher": True}, "school": "s1"}, "oidc_no_staff_role"),
        ({"sub": "t1", "roles": ["teacher"]}, "oidc_no_school"),
        ({"sub": "t1", "roles": ["teacher"], "school": 5}, "oidc_no_school"),
    ],
)
def test_a_person_without_id_staff_role_or_school_is_refused(claims, reason):
    refused = staff_member(claims, NAMES)

    assert isinstance(refused, ClaimsRefused)
    assert refused.reason == reason
    assert refused.detail  # a Russian sentence for the refusal page


@given(st.lists(st.one_of(st.sampled_from(sorted(STAFF_ROLES)), st.text(max_size=10))))
def test_kept_roles_are_exactly_the_staff_roles_claimed(claimed):
    assert set(staff_roles(claimed)) == set(claimed) & STAFF_ROLES


def test_the_provider_settings_need_a_client_and_openid():
    with pytest.raises(ValidationError, match="client_id"):
        OidcSettings(issuer="https://id.city.example")
    with pytest.raises(ValidationError, match="openid"):
        OidcSettings(issuer="https://id.city.example", client_id="web", scope="profile")
    with pytest.raises(ValidationError, match="http"):
        OidcSettings(issuer="id.city.example", client_id="web")


def test_the_issuer_is_kept_exactly_as_written():
    # Discovery compares it with the provider's own `issuer`, so no slash may be added.
    settings = OidcSettings(issuer="https://id.city.example", client_id="web")

    assert settings.issuer == "https://id.city.example"
