"""The profile a portal user sees of themselves, and the operators' list of portal users."""

from __future__ import annotations

import datetime as dt

from services.diary.domain import profile_view as pv
from services.diary.domain.access import Caller, Grant
from services.diary.domain.calendar import MemberRow, PeriodRow
from services.diary.domain.profile import Child, Profile
from tests.support.diary import pseudonym

ANNA, BORIS, VERA = pseudonym("anna"), pseudonym("boris"), pseudonym("vera")
TODAY = dt.date(2026, 10, 5)
SEPT = dt.date(2026, 9, 1)
Q2 = dt.date(2026, 11, 5)
LABELS = {"5a": "5А", "6b": "6Б"}
SUBJECTS = {"math": "Математика"}
H1 = PeriodRow("h1", "1 полугодие", SEPT, dt.date(2026, 12, 28))


def test_a_child_is_in_todays_class_else_the_last_one_joined():
    moved = [
        MemberRow("5a", ANNA, SEPT, dt.date(2026, 9, 30)),
        MemberRow("6b", ANNA, dt.date(2026, 10, 1)),
        MemberRow("5a", BORIS, SEPT, dt.date(2026, 9, 15)),
        MemberRow("6b", BORIS, dt.date(2026, 9, 16), dt.date(2026, 9, 20)),
    ]
    assert pv.class_of(moved, ANNA, TODAY) == "6b"
    assert pv.class_of(moved, BORIS, TODAY) == "6b"  # left both: the last one joined
    assert pv.class_of(moved, ANNA, dt.date(2026, 9, 10)) == "5a"
    assert pv.class_of(moved, VERA, TODAY) is None


def test_a_parents_profile_shows_each_child_with_label_class_and_marker():
    parent = Caller(frozenset({"parent"}), "s1", 101)
    grants = [
        Grant("g1", 101, "pupil", pupil=ANNA, relation="parent"),
        Grant("g2", 101, "pupil", pupil=BORIS, relation="parent"),
        Grant("g3", 101, "pupil", pupil=VERA, relation="parent", revoked=True),
        Grant("g4", 101, "pupil", pupil=VERA, relation="pupil"),  # not a role of the token
        Grant("g5", 102, "pupil", pupil=VERA, relation="parent"),  # another user's
    ]
    own = Profile(label="мама", children={ANNA: Child("Маша", 12)})
    view = pv.profile_view(
        parent,
        grants=grants,
        memberships=[MemberRow("5a", ANNA, SEPT), MemberRow("6b", BORIS, SEPT)],
        class_labels=LABELS,
        subject_names=SUBJECTS,
        class_subjects={},
        periods=[],
        own=own,
        today=TODAY,
    )
    assert (view.uid, view.roles, view.label, view.classes) == (101, ("parent",), "мама", ())
    assert view.children == (
        pv.ChildView(ANNA, "parent", "Маша", "5a", "5А", 12),
        pv.ChildView(BORIS, "parent", None, "6b", "6Б", 0),
    )


def test_a_teachers_profile_shows_their_classes_and_subjects():
    teacher = Caller(frozenset({"teacher"}), "s1", 301)
    grants = [
        Grant("g2", 301, "class", class_id="6b"),
        Grant("g1", 301, "class", class_id="5a", subject_id="math"),
        Grant("g3", 301, "class", class_id="7v", subject_id="art"),  # unknown label and name
    ]
    view = pv.profile_view(
        teacher,
        grants=grants,
        memberships=[],
        class_labels=LABELS,
        subject_names=SUBJECTS,
        class_subjects={"6b": ["rus", "math", "rus"], "5a": ["pe"]},
        periods=[PeriodRow("q2", "2 четверть", Q2, Q2), PeriodRow("q1", "1 четверть", SEPT, SEPT)],
        own=Profile(),
        today=TODAY,
        periods_of={"6b": (H1,)},
    )
    assert (view.label, view.children) == (None, ())
    math, rus = pv.SubjectView("math", "Математика"), pv.SubjectView("rus", None)
    quarters = (PeriodRow("q1", "1 четверть", SEPT, SEPT), PeriodRow("q2", "2 четверть", Q2, Q2))
    assert view.classes == (
        pv.ClassView("5a", "5А", "math", "Математика", (math,), quarters),
        # the class teacher's: every subject; the class works in halves
        pv.ClassView("6b", "6Б", None, None, (math, rus), (H1,)),
        pv.ClassView("7v", None, "art", None, (pv.SubjectView("art", None),), quarters),
    )
    assert [period.period_id for period in view.periods] == ["q1", "q2"]


def test_each_child_sees_the_periods_of_their_own_class():
    parent = Caller(frozenset({"parent"}), "s1", 101)
    grants = [
        Grant("g1", 101, "pupil", pupil=ANNA, relation="parent"),
        Grant("g2", 101, "pupil", pupil=BORIS, relation="parent"),
    ]
    quarters = (PeriodRow("q1", "1 четверть", SEPT, SEPT),)
    view = pv.profile_view(
        parent,
        grants=grants,
        memberships=[MemberRow("5a", ANNA, SEPT), MemberRow("10a", BORIS, SEPT)],
        class_labels=LABELS,
        subject_names=SUBJECTS,
        class_subjects={},
        periods=quarters,
        own=Profile(),
        today=TODAY,
        periods_of={"10a": (H1,), "5a": quarters},
    )
    assert [c.periods for c in view.children] == [quarters, (H1,)]


def test_operators_list_one_row_per_live_grant():
    grants = [
        Grant("g1", 301, "class", class_id="5a", subject_id="math"),
        Grant("g2", 101, "pupil", pupil=ANNA, relation="parent"),
        Grant("g3", 401, "pupil", pupil=ANNA, relation="pupil"),
        Grant("g4", 102, "pupil", pupil=BORIS, relation="parent", revoked=True),
    ]
    rows = pv.portal_users(grants, [MemberRow("5a", ANNA, SEPT)], TODAY)
    assert rows == [
        pv.PortalUser(101, "parent", "5a", None, ANNA, "parent"),
        pv.PortalUser(301, "teacher", "5a", "math", None, None),
        pv.PortalUser(401, "pupil", "5a", None, ANNA, "pupil"),
    ]
