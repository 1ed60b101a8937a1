"""Who the city provider's claims name to the portal (a UID, portal roles, this school, never a
name), and the portal's OpenID Connect settings."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr, ValidationError

from kernel.oidc_claims import ClaimsRefused
from services.common.settings import AuthSettings
from services.portal.domain.oidc_claims import (
    PORTAL_ROLES,
    ClaimNames,
    PortalPerson,
    portal_person,
    portal_roles,
    portal_uid,
)
from services.portal.settings import OidcSettings, Settings

NAMES = ClaimNames()


def reason(result: PortalPerson | ClaimsRefused) -> str:
    assert isinstance(result, ClaimsRefused), result
    return result.reason


def test_a_parent_of_this_school_is_a_portal_user_without_a_name():
    claims = {"uid": 100001, "roles": ["parent"], "school": "s1", "name": "Ильина Елена"}

    person = portal_person(claims, NAMES, "s1")

    assert person == PortalPerson(100001, ("parent",), "s1")
    assert isinstance(person, PortalPerson)
    assert (person.subject, person.display_name) == ("uid100001", "Родитель · UID 100001")
    assert "Ильина" not in repr(person)


def test_only_the_portal_roles_are_kept_and_named_in_order():
    claims = {"uid": "200001", "roles": "teacher deputy parent", "school": "s1"}

    person = portal_person(claims, NAMES, "s1")

    assert person == PortalPerson(200001, ("parent", "teacher"), "s1")
    assert isinstance(person, PortalPerson)
    assert person.display_name == "Родитель, Учитель · UID 200001"


def test_the_claims_can_have_other_names():
    names = ClaimNames(uid="portal_uid", roles="groups", school="org")
    claims = {"portal_uid": 7, "groups": ["pupil"], "org": "s1", "uid": 8}

    assert portal_person(claims, names, "s1") == PortalPerson(7, ("pupil",), "s1")


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"roles": ["parent"], "school": "s1"}, "oidc_no_uid"),
        ({"uid": "abc", "roles": ["parent"], "school": "s1"}, "oidc_no_uid"),
        ({"uid": 0, "roles": ["parent"], "school": "s1"}, "oidc_no_uid"),
        ({"uid": 100001, "roles": ["deputy"], "school": "s1"}, "oidc_no_portal_role"),
        ({"uid": 100001, "roles": None, "school": "s1"}, "oidc_no_portal_role"),
        ({"uid": 100001, "roles": ["parent"]}, "oidc_no_school"),
        ({"uid": 100001, "roles": ["parent"], "school": "  "}, "oidc_no_school"),
        ({"uid": 100001, "roles": ["parent"], "school": "s2"}, "oidc_other_school"),
    ],
)
def test_what_the_portal_cannot_serve_is_refused_with_a_reason(claims, expected):
    assert reason(portal_person(claims, NAMES, "s1")) == expected


@pytest.mark.parametrize(
    ("value", "uid"),
    [
        (100001, 100001),
        ("100001", 100001),
        (" 42 ", 42),
        (10**12 - 1, 10**12 - 1),
        (10**12, None),
        (-5, None),
        ("-5", None),
        ("+5", None),
        ("٣", None),  # an Arabic-Indic digit: str.isdigit says yes, a UID says no
        (True, None),
        (5.0, None),
        ("", None),
        (None, None),
        ([1], None),
    ],
)
def test_a_uid_is_a_positive_number_of_at_most_twelve_digits(value, uid):
    assert portal_uid(value) == uid


@given(st.lists(st.text(max_size=12) | st.integers() | st.none(), max_size=6))
def test_the_kept_roles_are_always_portal_roles_sorted_and_unique(claimed):
    roles = portal_roles(claimed)

    assert set(roles) <= PORTAL_ROLES
    assert list(roles) == sorted(set(roles))
    assert set(roles) == {r for r in claimed if isinstance(r, str)} & PORTAL_ROLES


def test_the_portals_provider_asks_for_no_profile_by_default():
    assert OidcSettings().scope == "openid"
    assert OidcSettings().issuer is None


@pytest.mark.parametrize(
    "oidc",
    [
        {"issuer": "https://id.example"},  # no client
        {"issuer": "ftp://id.example", "client_id": "portal"},
        {"issuer": "https://id.example?x=1", "client_id": "portal"},
        {"issuer": "https://id.example", "client_id": "portal", "scope": "portal"},
    ],
)
def test_a_provider_half_configured_is_refused_at_start(oidc):
    with pytest.raises(ValidationError):
        Settings(
            auth=AuthSettings(dev_secret="x" * 40),
            session_secret=SecretStr("s" * 40),
            oidc=OidcSettings(**oidc),
        )
