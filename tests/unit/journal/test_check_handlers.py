"""The monthly check's handlers over the in-memory store and a fake view of the lessons."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from contracts import subjects
from services.journal.application import check_reads, checks
from services.journal.application.check_models import Names, RemarkRecord
from services.journal.application.handling import decode_all
from services.journal.domain.commands import ConfirmRemark, IssueRemark, ResolveRemark
from services.journal.domain.errors import RemarkNotAwaitingConfirmation
from services.journal.domain.findings import LessonFacts
from tests.support.clock import FakeClock
from tests.support.journal import (
    DEPUTY,
    MATH_TEACHER,
    SCHOOL,
    YEAR,
    in_memory_deps,
    meta,
)

DAY = dt.date(2026, 9, 9)
GAP = LessonFacts("5a-20260909-2", "5a", "math", MATH_TEACHER.id, DAY, 2, status="held",
                  attendance_taken=True)  # fmt: skip


class FakeCheckViews:
    """The lessons of the test as the view would answer them (checks are not read here)."""

    def __init__(self, *lessons: LessonFacts) -> None:
        self.lessons = {lesson.lesson_id: lesson for lesson in lessons}

    async def lesson_facts(self, school, year, days, scope, target_id):
        return [x for x in self.lessons.values() if days[0] <= x.date <= days[1]]

    async def lessons_by_id(self, school, year, lesson_ids):
        return [self.lessons[i] for i in lesson_ids if i in self.lessons]

    async def names(self, school, year):
        return Names(school_name="Школа", staff={MATH_TEACHER.id: "Иванова"}, classes={"5a": "5А"},
                     subjects={})  # fmt: skip


@pytest.fixture
def views():
    return FakeCheckViews(GAP)


@pytest.fixture
def deps(views):
    base = in_memory_deps(clock=FakeClock(dt.datetime(2026, 10, 1, 9, tzinfo=dt.UTC)))
    return dataclasses.replace(base, check_views=views)


async def _events(deps, check_id):
    history = await deps.store.load(subjects.monthly_check(YEAR, SCHOOL, check_id))
    return decode_all(history.events)


async def test_a_remark_fixed_in_the_journal_is_confirmed_without_the_teacher(deps, views):
    _, check_id = await checks.open_check(deps, meta(DEPUTY, "open-1"), "2026-09", "school", None)
    (opened,) = await _events(deps, check_id)
    assert [f.finding_id for f in opened.findings] == [f"no_topic:{GAP.lesson_id}"]

    issue = IssueRemark("r1", "lesson", "Тема?", finding_id=f"no_topic:{GAP.lesson_id}")
    first = await checks.issue_remark(deps, meta(DEPUTY, "issue-1"), check_id, issue)
    again = await checks.issue_remark(deps, meta(DEPUTY, "issue-1"), check_id, issue)
    assert (first.duplicate, again.duplicate, again.seq) == (False, True, first.seq)

    with pytest.raises(RemarkNotAwaitingConfirmation):
        await checks.confirm_or_reopen(deps, meta(DEPUTY), check_id, ConfirmRemark("r1"))
    views.lessons[GAP.lesson_id] = dataclasses.replace(GAP, has_topic=True)  # the teacher fixed it
    await checks.confirm_or_reopen(deps, meta(DEPUTY), check_id, ConfirmRemark("r1"))
    assert [type(e).__name__ for e in await _events(deps, check_id)] == [
        "MonthlyCheckOpened",
        "RemarkIssued",
        "RemarkConfirmed",
    ]


async def test_the_open_check_id_is_the_same_for_a_retried_request(deps):
    _, check_id = await checks.open_check(deps, meta(DEPUTY, "same"), "2026-09", "school", None)
    again, same_id = await checks.open_check(deps, meta(DEPUTY, "same"), "2026-09", "school", None)
    assert (same_id, again.duplicate) == (check_id, True)


async def test_the_teacher_resolves_their_remark(deps):
    _, check_id = await checks.open_check(deps, meta(DEPUTY), "2026-09", "teacher", MATH_TEACHER.id)
    issue = IssueRemark("r1", "teacher", "Заполняйте журнал в день урока")
    await checks.issue_remark(deps, meta(DEPUTY), check_id, issue)
    recorded = await checks.resolve(deps, meta(MATH_TEACHER), check_id, ResolveRemark("r1", "Ок"))
    assert recorded.event_type == "journal.RemarkResolved"


def _record(status, finding_id=f"no_topic:{GAP.lesson_id}") -> RemarkRecord:
    at = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    return RemarkRecord(
        check_id="c1", remark_id=f"r-{status}", teacher_id=MATH_TEACHER.id, teacher_name=None,
        about="lesson", text="x", lesson_id=GAP.lesson_id, lesson_date=DAY, class_id="5a",
        class_label=None, subject_id="math", subject_name=None, finding_id=finding_id,
        status=status, issued_by="dep1", issued_at=at, resolved_at=None, resolve_note=None,
        confirmed_at=None, reopened_at=None, reopen_reason=None,
    )  # fmt: skip


async def test_the_shown_status_of_remarks_whose_finding_is_gone(deps, views):
    views.lessons[GAP.lesson_id] = dataclasses.replace(GAP, has_topic=True)
    records = [_record("issued"), _record("reopened"), _record("issued", finding_id=None)]
    shown = await check_reads.with_auto_fixed(deps, SCHOOL, YEAR, records)
    assert [(r.status, r.auto_fixed, r.shown_status) for r in shown] == [
        ("issued", True, "fixed_automatically"),
        ("reopened", True, "reopened"),  # the deputy reopened it: the teacher acts again
        ("issued", False, "issued"),
    ]
