"""The portal's menu by role and the development sign-in's list of portal users."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from services.portal.domain.navigation import ROLE_NAMES, menu, start_page
from services.portal.domain.portal_users import portal_users


def test_a_family_starts_at_the_diary_and_a_teacher_at_their_classes():
    assert start_page(["parent"]) == "/children"
    assert start_page(["pupil"]) == "/children"
    assert start_page(["teacher"]) == "/classes"
    assert [item.path for item in menu(["teacher"])] == ["/classes", "/messages"]


def test_a_staff_role_of_the_school_has_no_portal_page():
    assert menu(["admin"]) == []
    assert start_page(["deputy"]) == "/signin"


@given(st.sets(st.sampled_from(sorted(ROLE_NAMES))))
def test_several_roles_list_each_page_once(roles):
    paths = [item.path for item in menu(roles)]

    assert len(paths) == len(set(paths))


def test_each_uid_and_role_is_listed_once_with_everything_its_grants_cover():
    grants = [
        {"uid": 7, "role": "parent", "class_id": "5a", "pupil": "p1", "relation": "parent"},
        {"uid": 7, "role": "parent", "class_id": "7b", "pupil": "p2", "relation": "parent"},
        {"uid": 3, "role": "teacher", "class_id": "5a", "subject_id": "math"},
        {"uid": 4, "role": "teacher", "class_id": "5a", "subject_id": None},
    ]

    users = portal_users(grants)

    assert [(u.uid, u.role) for u in users] == [(3, "teacher"), (4, "teacher"), (7, "parent")]
    assert users[2].covers == "родитель, класс 5a; родитель, класс 7b"
    assert users[1].covers == "классный руководитель 5a"
    assert users[0].key == "teacher:3"
