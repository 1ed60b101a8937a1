"""The menu by role, the school year of a date and the demo's proposed roles."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from services.common.webapp.school_year import school_year_of, year_label
from services.web.domain.dev_roles import proposed_role
from services.web.domain.navigation import ROLE_NAMES, menu, start_page


def test_a_teacher_starts_at_their_day_and_sees_no_administration():
    paths = [item.path for item in menu(["teacher"])]

    assert start_page(["teacher"]) == "/day"
    assert "/remarks" in paths
    assert not any(path.startswith("/admin") for path in paths)


def test_an_auditor_sees_the_audit_pages_only():
    assert [item.path for item in menu(["auditor"])] == ["/audit", "/audit/verify"]


def test_a_portal_role_has_no_school_page_and_signs_in_again():
    assert menu(["parent"]) == []
    assert start_page(["pupil"]) == "/signin"


@given(st.sets(st.sampled_from(sorted(ROLE_NAMES))))
def test_several_roles_list_each_page_once(roles):
    paths = [item.path for item in menu(roles)]

    assert len(paths) == len(set(paths))


def test_the_school_year_starts_on_the_first_of_september():
    assert school_year_of(dt.date(2026, 8, 31)) == 2025
    assert school_year_of(dt.date(2026, 9, 1)) == 2026
    assert school_year_of(dt.date(2027, 5, 31)) == 2026
    assert year_label(2026) == "2026/27"
    assert year_label(2099) == "2099/00"


def test_the_demo_proposes_roles_from_the_position():
    assert proposed_role("директор") == "head"
    assert proposed_role("заместитель директора по учебно-воспитательной работе") == "deputy"
    assert proposed_role("администратор электронного журнала") == "admin"
    assert proposed_role("учитель математики") == "teacher"
