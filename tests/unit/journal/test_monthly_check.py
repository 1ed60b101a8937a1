"""The monthly check aggregate: opening, remarks from issue to confirmation, closing."""

from __future__ import annotations

import datetime as dt
from functools import reduce

import pytest

from contracts.base import Event
from contracts.envelope import Actor
from contracts.journal import (
    Finding,
    MonthlyCheckClosed,
    MonthlyCheckOpened,
    RemarkConfirmed,
    RemarkIssued,
    RemarkReopened,
    RemarkResolved,
)
from services.journal.domain import errors
from services.journal.domain import monthly_check as mc
from services.journal.domain.commands import (
    CloseMonthlyCheck,
    ConfirmRemark,
    IssueRemark,
    OpenMonthlyCheck,
    ReopenRemark,
    ResolveRemark,
)
from services.journal.domain.findings import LessonFacts

DEPUTY = Actor(id="dep1", role="deputy")
HEAD = Actor(id="head1", role="head")
TEACHER = Actor(id="t-math", role="teacher")
OTHER_TEACHER = Actor(id="t-rus", role="teacher")
TODAY = dt.date(2026, 10, 5)
LESSON = LessonFacts("5a-20260907-1", "5a", "math", "t-math", dt.date(2026, 9, 7))
NO_TOPIC = Finding(
    finding_id="no_topic:5a-20260907-1",
    kind="no_topic",
    class_id="5a",
    teacher_id="t-math",
    date=LESSON.date,
    lesson_id=LESSON.lesson_id,
    subject_id="math",
)
STAFF = frozenset({"t-math", "t-rus"})
REF = mc.Reference(TODAY, (NO_TOPIC,), lesson=LESSON, known_staff=STAFF)
OPENED = MonthlyCheckOpened(check_id="c1", month="2026-09", scope="school", findings=(NO_TOPIC,))
ISSUED = RemarkIssued(
    remark_id="r1",
    teacher_id="t-math",
    about="lesson",
    text="Запишите тему",
    lesson_id=LESSON.lesson_id,
    class_id="5a",
    subject_id="math",
    finding_id=NO_TOPIC.finding_id,
)


def given(*events: Event) -> mc.CheckState:
    return reduce(mc.evolve, events, mc.INITIAL)


def when(state, cmd, actor=DEPUTY, ref=REF):
    (event,) = mc.decide(cmd, state, actor=actor, ref=ref)
    return event


class TestOpening:
    def test_the_deputy_opens_a_check_with_the_findings_of_the_moment(self):
        event = when(mc.INITIAL, OpenMonthlyCheck("c1", "2026-09", "school"))
        assert event == OPENED

    def test_only_the_deputy_opens_a_check(self):
        with pytest.raises(errors.RoleNotAllowed):
            when(mc.INITIAL, OpenMonthlyCheck("c1", "2026-09", "school"), actor=HEAD)

    def test_a_month_not_begun_cannot_be_checked(self):
        with pytest.raises(errors.InvalidCheck, match="not begun"):
            when(mc.INITIAL, OpenMonthlyCheck("c1", "2026-11", "school"))

    @pytest.mark.parametrize(
        ("scope", "target"), [("school", "5a"), ("class", None), ("teacher", None)]
    )
    def test_the_target_goes_with_the_scope(self, scope, target):
        with pytest.raises(errors.InvalidCheck):
            when(mc.INITIAL, OpenMonthlyCheck("c1", "2026-09", scope, target))

    def test_the_target_must_exist(self):
        with pytest.raises(errors.InvalidCheck, match="staff"):
            when(mc.INITIAL, OpenMonthlyCheck("c1", "2026-09", "teacher", "nobody"))
        ref = mc.Reference(TODAY, known_class=False)
        with pytest.raises(errors.InvalidCheck, match="class"):
            when(mc.INITIAL, OpenMonthlyCheck("c1", "2026-09", "class", "9z"), ref=ref)

    def test_a_month_with_too_many_findings_is_checked_by_class_or_teacher(self):
        many = tuple(
            NO_TOPIC.model_copy(update={"finding_id": f"no_topic:l{i}"})
            for i in range(mc.MAX_FINDINGS + 1)
        )
        with pytest.raises(errors.InvalidCheck, match="class or a teacher"):
            when(
                mc.INITIAL,
                OpenMonthlyCheck("c1", "2026-09", "school"),
                ref=mc.Reference(TODAY, many),
            )

    def test_a_check_is_opened_once(self):
        with pytest.raises(errors.AlreadyExists):
            when(given(OPENED), OpenMonthlyCheck("c1", "2026-09", "school"))


class TestIssuing:
    def test_a_remark_about_a_finding_takes_its_lesson_and_teacher(self):
        event = when(
            given(OPENED),
            IssueRemark("r1", "lesson", "Запишите тему", finding_id=NO_TOPIC.finding_id),
        )
        assert event == ISSUED

    def test_a_remark_about_a_teacher_in_general(self):
        event = when(given(OPENED), IssueRemark("r2", "teacher", "Журнал", teacher_id="t-rus"))
        assert isinstance(event, RemarkIssued)
        assert (event.teacher_id, event.lesson_id) == ("t-rus", None)

    def test_a_remark_about_a_class_subject_names_both(self):
        with pytest.raises(errors.InvalidRemark, match="class-subject"):
            when(given(OPENED), IssueRemark("r2", "class_subject", "x", teacher_id="t-rus"))
        event = when(
            given(OPENED),
            IssueRemark("r2", "class_subject", "x", "t-math", class_id="5a", subject_id="math"),
        )
        assert isinstance(event, RemarkIssued)

    def test_an_unknown_finding_or_teacher_is_refused(self):
        with pytest.raises(errors.InvalidRemark, match="finding"):
            when(given(OPENED), IssueRemark("r2", "lesson", "x", finding_id="no_topic:zz"))
        with pytest.raises(errors.InvalidRemark, match="staff"):
            when(given(OPENED), IssueRemark("r2", "teacher", "x", teacher_id="nobody"))

    def test_a_lesson_outside_the_month_is_refused(self):
        ref = mc.Reference(TODAY, lesson=LessonFacts("l9", "5a", "math", "t-math", TODAY))
        with pytest.raises(errors.InvalidRemark, match="2026-09"):
            when(given(OPENED), IssueRemark("r2", "lesson", "x", lesson_id="l9"), ref=ref)

    def test_an_unknown_lesson_is_not_found(self):
        ref = mc.Reference(TODAY, known_staff=STAFF)
        with pytest.raises(errors.LessonNotFound):
            when(given(OPENED), IssueRemark("r2", "lesson", "x", "t-math", "l0"), ref=ref)

    def test_a_teacher_check_takes_remarks_for_its_teacher_only(self):
        opened = OPENED.model_copy(update={"scope": "teacher", "target_id": "t-rus"})
        with pytest.raises(errors.InvalidRemark, match="t-rus"):
            when(given(opened), IssueRemark("r2", "lesson", "x", finding_id=NO_TOPIC.finding_id))

    def test_only_the_deputy_issues_remarks(self):
        with pytest.raises(errors.RoleNotAllowed):
            when(given(OPENED), IssueRemark("r2", "teacher", "x", "t-rus"), actor=TEACHER)


class TestRemarkLife:
    def test_from_issue_to_confirmation(self):
        state = given(OPENED, ISSUED)
        resolved = when(state, ResolveRemark("r1", "Тема записана"), actor=TEACHER)
        assert resolved == RemarkResolved(remark_id="r1", note="Тема записана")
        state = mc.evolve(state, resolved)
        assert state.remarks["r1"].status == "resolved"
        confirmed = when(state, ConfirmRemark("r1"))
        assert confirmed == RemarkConfirmed(remark_id="r1")
        assert mc.evolve(state, confirmed).remarks["r1"].status == "confirmed"

    def test_another_teacher_cannot_resolve_the_remark(self):
        with pytest.raises(errors.NotRemarkTeacher):
            when(given(OPENED, ISSUED), ResolveRemark("r1"), actor=OTHER_TEACHER)

    def test_a_remark_is_resolved_once(self):
        state = given(OPENED, ISSUED, RemarkResolved(remark_id="r1"))
        with pytest.raises(errors.RemarkAlreadyResolved):
            when(state, ResolveRemark("r1"), actor=TEACHER)

    def test_an_issued_remark_whose_finding_still_holds_is_not_confirmed(self):
        with pytest.raises(errors.RemarkNotAwaitingConfirmation):
            when(given(OPENED, ISSUED), ConfirmRemark("r1"))

    def test_an_automatically_fixed_remark_is_confirmed_without_the_teacher(self):
        fixed = mc.Reference(TODAY, findings=(), lesson=LESSON)  # the finding is gone now
        state = given(OPENED, ISSUED)
        assert mc.auto_fixed(state.remarks["r1"], fixed.findings)
        assert when(state, ConfirmRemark("r1"), ref=fixed) == RemarkConfirmed(remark_id="r1")

    def test_a_remark_without_a_finding_is_never_fixed_automatically(self):
        general = ISSUED.model_copy(update={"finding_id": None})
        state = given(OPENED, general)
        assert not mc.auto_fixed(state.remarks["r1"], ())
        with pytest.raises(errors.RemarkNotAwaitingConfirmation):
            when(state, ConfirmRemark("r1"), ref=mc.Reference(TODAY))

    def test_the_deputy_reopens_and_the_teacher_resolves_again(self):
        state = given(OPENED, ISSUED, RemarkResolved(remark_id="r1"))
        reopened = when(state, ReopenRemark("r1", "Тема не та"))
        assert reopened == RemarkReopened(remark_id="r1", reason="Тема не та")
        state = mc.evolve(state, reopened)
        with pytest.raises(errors.RemarkNotAwaitingConfirmation):
            when(state, ConfirmRemark("r1"), ref=mc.Reference(TODAY))  # even if the gap is gone
        assert isinstance(when(state, ResolveRemark("r1"), actor=TEACHER), RemarkResolved)

    def test_a_confirmed_remark_is_final(self):
        state = given(
            OPENED, ISSUED, RemarkResolved(remark_id="r1"), RemarkConfirmed(remark_id="r1")
        )
        with pytest.raises(errors.RemarkNotAwaitingConfirmation):
            when(state, ReopenRemark("r1", "нет"))
        with pytest.raises(errors.RemarkAlreadyResolved):
            when(state, ResolveRemark("r1"), actor=TEACHER)

    def test_an_unknown_remark_or_check_is_not_found(self):
        with pytest.raises(errors.RemarkNotFound):
            when(given(OPENED), ConfirmRemark("r9"))
        with pytest.raises(errors.CheckNotFound):
            when(mc.INITIAL, ResolveRemark("r1"), actor=TEACHER)


class TestClosing:
    def test_the_deputy_closes_the_check_and_nothing_changes_after(self):
        state = given(OPENED, ISSUED)
        closed = when(state, CloseMonthlyCheck())
        assert closed == MonthlyCheckClosed()
        state = mc.evolve(state, closed)
        with pytest.raises(errors.CheckClosed):
            when(state, IssueRemark("r2", "teacher", "x", "t-rus"))
        with pytest.raises(errors.CheckClosed):
            when(state, ResolveRemark("r1"), actor=TEACHER)
        with pytest.raises(errors.CheckClosed):
            when(state, CloseMonthlyCheck())

    def test_only_the_deputy_closes(self):
        with pytest.raises(errors.RoleNotAllowed):
            when(given(OPENED), CloseMonthlyCheck(), actor=TEACHER)


def test_month_range():
    assert mc.month_range("2026-12") == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert mc.month_range("2027-02") == (dt.date(2027, 2, 1), dt.date(2027, 2, 28))


def test_unknown_commands_fail_loudly():
    with pytest.raises(TypeError):
        mc.decide(object(), given(OPENED), actor=DEPUTY, ref=REF)  # type: ignore[arg-type]
