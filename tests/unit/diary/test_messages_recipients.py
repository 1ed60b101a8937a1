"""Who a teacher may write to, resolved from grants and class members; who keeps access."""

from __future__ import annotations

import datetime as dt

import pytest

from contracts.portal import Participant
from services.diary.domain import recipients as r
from services.diary.domain.access import Caller, Denied, Grant
from services.diary.domain.calendar import MemberRow
from tests.support.diary import pseudonym

ANNA, BORIS, VERA = pseudonym("anna"), pseudonym("boris"), pseudonym("vera")
TODAY = dt.date(2026, 10, 5)
SEPT = dt.date(2026, 9, 1)
MEMBERS = [
    MemberRow("5a", ANNA, SEPT),
    MemberRow("5a", BORIS, SEPT),
    MemberRow("5a", VERA, SEPT, dt.date(2026, 9, 30)),  # left before today
]
TEACHER = Caller(frozenset({"teacher"}), "s1", 301)


def parent(uid: int, pupil: str, grant_id: str | None = None) -> Grant:
    return Grant(grant_id or f"g-{uid}-{pupil[:6]}", uid, "pupil", pupil=pupil, relation="parent")


def pupil_grant(uid: int, pupil: str) -> Grant:
    return Grant(f"g-{uid}", uid, "pupil", pupil=pupil, relation="pupil")


def klass(uid: int, subject: str | None = "math", class_id: str = "5a") -> Grant:
    return Grant(f"c-{uid}-{subject}", uid, "class", class_id=class_id, subject_id=subject)


def test_the_school_year_turns_on_the_first_of_september():
    assert r.school_year_of(dt.date(2026, 8, 31)) == 2025
    assert r.school_year_of(dt.date(2026, 9, 1)) == 2026
    assert r.school_year_of(dt.date(2027, 1, 15)) == 2026


def test_only_a_teacher_with_a_uid_of_the_school_starts_a_thread():
    assert r.check_teacher(TEACHER, "s1") == 301
    for caller, reason in [
        (Caller(frozenset({"parent"}), "s1", 101), "wrong_role"),
        (Caller(frozenset({"pupil"}), "s1", 401), "wrong_role"),
        (Caller(frozenset({"teacher"}), "s1", None), "no_uid"),
        (Caller(frozenset({"teacher"}), "s2", 301), "wrong_school"),
    ]:
        with pytest.raises(Denied) as refused:
            r.check_teacher(caller, "s1")
        assert refused.value.reason == reason


def test_a_subject_teacher_writes_about_their_subject_in_their_class_only():
    grants = [klass(301, "math")]
    r.check_teaches(TEACHER, grants, "5a", "math")
    for class_id, subject, reason in [
        ("5a", "rus", "no_grant"),
        ("5b", "math", "no_grant"),
        ("5a", None, "subject_required"),
        ("5b", None, "no_grant"),
    ]:
        with pytest.raises(Denied) as refused:
            r.check_teaches(TEACHER, grants, class_id, subject)
        assert refused.value.reason == reason


def test_a_class_teacher_writes_about_any_subject_of_the_class_or_none():
    grants = [klass(301, None)]
    r.check_teaches(TEACHER, grants, "5a", None)
    r.check_teaches(TEACHER, grants, "5a", "hist")


def test_a_revoked_class_grant_gives_no_scope():
    with pytest.raises(Denied):
        r.check_teaches(
            TEACHER,
            [Grant("c", 301, "class", class_id="5a", subject_id="math", revoked=True)],
            "5a",
            "math",
        )


def test_the_whole_class_means_its_current_members():
    everyone = r.Addressed(None, "parents")
    assert r.addressed_pupils(MEMBERS, "5a", everyone, TODAY) == {ANNA, BORIS}
    some = r.Addressed(frozenset({BORIS}), "parents")
    assert r.addressed_pupils(MEMBERS, "5a", some, TODAY) == {BORIS}


def test_a_pupil_outside_the_class_cannot_be_addressed():
    for outsider in (VERA, pseudonym("zoya")):
        with pytest.raises(Denied) as refused:
            r.addressed_pupils(MEMBERS, "5a", r.Addressed(frozenset({outsider}), "both"), TODAY)
        assert refused.value.reason == "not_in_class"


def test_recipients_are_the_uids_with_live_grants_for_the_pupils_in_the_audience():
    grants = [
        parent(101, ANNA),
        parent(101, BORIS),  # one parent of two pupils: one participant
        parent(102, BORIS),
        pupil_grant(401, ANNA),
        parent(103, VERA),  # not addressed
        Grant("gone", 104, "pupil", pupil=ANNA, relation="parent", revoked=True),
    ]
    pupils = {ANNA, BORIS}
    assert r.recipients(pupils, grants, "parents", author=301) == (
        Participant(uid=101, role="parent", pupils=tuple(sorted((ANNA, BORIS)))),
        Participant(uid=102, role="parent", pupils=(BORIS,)),
    )
    assert r.recipients(pupils, grants, "pupils", author=301) == (
        Participant(uid=401, role="pupil", pupils=(ANNA,)),
    )
    assert [p.uid for p in r.recipients(pupils, grants, "both", author=301)] == [101, 102, 401]


def test_the_author_is_never_their_own_recipient_and_nobody_left_is_refused():
    with pytest.raises(r.NoRecipients):
        r.recipients({ANNA}, [parent(301, ANNA)], "parents", author=301)
    with pytest.raises(r.NoRecipients):
        r.recipients({ANNA}, [parent(101, ANNA)], "pupils", author=301)


def test_a_participant_keeps_access_while_the_grant_they_came_through_is_live():
    teacher = Participant(uid=301, role="teacher")
    mum = Participant(uid=101, role="parent", pupils=(ANNA,))
    grants = [klass(301, "math"), parent(101, ANNA)]
    assert r.entitled_uids([teacher, mum], grants, "5a", "math") == {301, 101}
    assert r.entitled_uids([teacher, mum], grants, "5a", "rus") == {101}
    assert r.entitled_uids([teacher, mum], [klass(301, None)], "5a", "math") == {301}
    # a grant of another kind does not count: the parent's UID as the pupil's own
    assert not r.entitled(mum, [pupil_grant(101, ANNA)], "5a", "math")
