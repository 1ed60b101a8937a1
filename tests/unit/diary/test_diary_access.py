"""Access rules of the portal: grants decide, per role, and nothing else does."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.diary.domain.access import (
    Caller,
    Denied,
    Grant,
    check_operator,
    check_portal_caller,
    class_access,
    own_pupils,
    pupil_visibility,
)

PUPILS = [f"p{i:032x}" for i in range(4)]
CLASSES = ["5a", "5b"]
SUBJECTS = ["math", "rus"]


def parent_grant(pupil: str, uid: int = 1, *, revoked: bool = False, relation="parent") -> Grant:
    return Grant("g", uid, "pupil", pupil=pupil, relation=relation, revoked=revoked)


def class_grant(
    class_id: str, subject_id: str | None, uid: int = 1, *, revoked: bool = False
) -> Grant:
    return Grant("g", uid, "class", class_id=class_id, subject_id=subject_id, revoked=revoked)


grants = st.lists(
    st.one_of(
        st.builds(
            parent_grant,
            st.sampled_from(PUPILS),
            st.integers(1, 3),
            revoked=st.booleans(),
            relation=st.sampled_from(["parent", "pupil"]),
        ),
        st.builds(
            class_grant,
            st.sampled_from(CLASSES),
            st.sampled_from([None, *SUBJECTS]),
            st.integers(1, 3),
            revoked=st.booleans(),
        ),
    ),
    max_size=8,
)


@given(grants, st.sampled_from(PUPILS), st.integers(1, 3))
def test_a_parent_never_sees_a_pupil_without_a_live_parent_grant(given_grants, pupil, uid):
    caller = Caller(frozenset({"parent"}), "s1", uid)
    entitled = any(
        g.uid == uid and not g.revoked and g.pupil == pupil and g.relation == "parent"
        for g in given_grants
    )
    if not entitled:
        with pytest.raises(Denied, match="no live grant"):
            pupil_visibility(caller, given_grants, pupil, CLASSES)
        return
    assert pupil_visibility(caller, given_grants, pupil, CLASSES).everything


@given(grants, st.sampled_from(PUPILS), st.integers(1, 3), st.sampled_from(CLASSES))
def test_a_teacher_sees_exactly_the_subjects_of_their_live_class_grants(
    given_grants, pupil, uid, pupil_class
):
    caller = Caller(frozenset({"teacher"}), "s1", uid)
    live = [g for g in given_grants if g.uid == uid and not g.revoked and g.scope_kind == "class"]
    try:
        visibility = pupil_visibility(caller, given_grants, pupil, [pupil_class])
    except Denied:
        assert not any(g.class_id == pupil_class for g in live)
        return
    for class_id in CLASSES:
        for subject in SUBJECTS:
            expected = class_id == pupil_class and any(
                g.class_id == class_id and g.subject_id in (None, subject) for g in live
            )
            assert visibility.sees(class_id, subject) == expected


def test_a_pupil_grant_serves_the_pupil_role_only():
    grant = parent_grant(PUPILS[0], relation="pupil")
    assert own_pupils(Caller(frozenset({"pupil"}), "s1", 1), [grant]) == {PUPILS[0]}
    assert own_pupils(Caller(frozenset({"parent"}), "s1", 1), [grant]) == frozenset()


def test_a_revoked_or_someone_elses_grant_gives_nothing():
    caller = Caller(frozenset({"parent"}), "s1", 1)
    for grant in (parent_grant(PUPILS[0], revoked=True), parent_grant(PUPILS[0], uid=2)):
        with pytest.raises(Denied):
            pupil_visibility(caller, [grant], PUPILS[0], CLASSES)


def test_class_grants_by_subject_and_for_the_class_teacher():
    teacher = Caller(frozenset({"teacher"}), "s1", 1)
    subject = class_access(teacher, [class_grant("5a", "math")], "5a")
    assert subject.sees("5a", "math")
    assert not subject.sees("5a", "rus")
    whole = class_access(teacher, [class_grant("5a", None)], "5a")
    assert whole.sees("5a", "rus")
    assert not whole.sees("5b", "rus")
    with pytest.raises(Denied, match="class"):
        class_access(teacher, [class_grant("5a", None)], "5b")
    with pytest.raises(Denied) as parent:
        class_access(Caller(frozenset({"parent"}), "s1", 1), [class_grant("5a", None)], "5a")
    assert parent.value.reason == "wrong_role"


@pytest.mark.parametrize(
    ("caller", "reason"),
    [
        (Caller(frozenset({"parent"}), "s2", 1), "wrong_school"),
        (Caller(frozenset({"parent"}), "s1", None), "no_uid"),
        (Caller(frozenset({"admin"}), "s1", 1), "wrong_role"),
    ],
)
def test_portal_callers_are_checked(caller, reason):
    with pytest.raises(Denied) as denied:
        check_portal_caller(caller, "s1")
    assert denied.value.reason == reason


def test_operators_are_admin_or_system():
    check_operator(Caller(frozenset({"system"}), "s1"), "s1")
    with pytest.raises(Denied):
        check_operator(Caller(frozenset({"teacher"}), "s1", 1), "s1")
