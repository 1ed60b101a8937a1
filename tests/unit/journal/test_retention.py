"""Retention by rule: who is due (pure), the dry run, a run erasing as `system` with the rule's
reason, and the lease that keeps a second replica out."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from contracts import subjects
from services.journal.application import retention
from services.journal.application.handling import decode_all
from services.journal.domain.retention import (
    PupilRecord,
    RetentionRule,
    Stay,
    add_years,
    due,
    leaving,
    next_run,
    years_passed,
)
from tests.support.clock import FakeClock
from tests.support.journal import in_memory_deps
from tests.support.journal_erasure import FakeErasureViews, InMemoryPersonKeys

ENDS = {2025: dt.date(2026, 5, 31), 2026: dt.date(2027, 5, 31)}
LEFT = PupilRecord("p1", "Акимова", (Stay(2025, "9a", dt.date(2025, 9, 1), dt.date(2026, 3, 15)),))
GRADUATE = PupilRecord("p2", "Белов", (Stay(2025, "11a", dt.date(2025, 9, 1)),))
PROMOTED = PupilRecord(
    "p3", "Волков", (Stay(2025, "5a", dt.date(2025, 9, 1)), Stay(2026, "6a", dt.date(2026, 9, 1)))
)
NEVER_PLACED = PupilRecord("p4", "Громов")


def test_a_pupil_who_left_during_the_year_left_on_their_last_day():
    left = leaving(LEFT.stays, ENDS)

    assert left is not None
    assert (left.left_on, left.class_id, left.at_year_end) == (dt.date(2026, 3, 15), "9a", False)


def test_a_pupil_in_no_class_of_the_next_year_left_when_the_year_ended():
    left = leaving(GRADUATE.stays, ENDS)

    assert left is not None
    assert (left.left_on, left.class_id, left.at_year_end) == (dt.date(2026, 5, 31), "11a", True)


def test_a_pupil_still_in_a_class_has_not_left_nor_has_one_before_the_next_year_opens():
    assert leaving(PROMOTED.stays, ENDS) is None
    assert leaving(GRADUATE.stays, {2025: ENDS[2025]}) is None  # 2026 not opened yet
    assert leaving(NEVER_PLACED.stays, ENDS) is None


def test_a_move_withdrawn_before_it_took_effect_does_not_count():
    withdrawn = (*LEFT.stays, Stay(2026, "10a", dt.date(2026, 9, 1), dt.date(2026, 8, 31)))

    assert leaving(withdrawn, ENDS) == leaving(LEFT.stays, ENDS)


def test_the_rule_takes_those_who_left_n_years_ago_or_more():
    pupils = [LEFT, GRADUATE, PROMOTED, NEVER_PLACED]

    on_the_day = due(pupils, ENDS, today=dt.date(2031, 3, 15), leaver_years=5)
    later = due(pupils, ENDS, today=dt.date(2031, 6, 1), leaver_years=5)

    assert [d.pupil_id for d in on_the_day] == ["p1"]
    assert on_the_day[0].reason == "срок хранения: выбыл 2026-03-15, прошло 5 лет"
    assert [d.pupil_id for d in later] == ["p1", "p2"]
    assert later[1].reason == (
        "срок хранения: выбыл 2026-05-31 (по окончании учебного года), прошло 5 лет"
    )
    assert due(pupils, ENDS, today=dt.date(2031, 3, 14), leaver_years=5) == []
    erased = due(pupils, ENDS, today=dt.date(2031, 6, 1), leaver_years=5, erased=frozenset({"p1"}))
    assert [d.pupil_id for d in erased] == ["p2"]


def test_the_reason_says_the_years_in_russian():
    assert [years_passed(n) for n in (1, 3, 5, 11, 21, 22, 25)] == [
        "прошёл 1 год",
        "прошло 3 года",
        "прошло 5 лет",
        "прошло 11 лет",
        "прошёл 21 год",
        "прошло 22 года",
        "прошло 25 лет",
    ]
    assert add_years(dt.date(2024, 2, 29), 5) == dt.date(2029, 2, 28)


def test_the_daily_run_is_at_the_local_time_strictly_after_now():
    at = dt.time(3, 30)
    before = dt.datetime(2026, 10, 1, 0, 0, tzinfo=dt.UTC)  # 03:00 in Moscow
    after = dt.datetime(2026, 10, 1, 0, 30, tzinfo=dt.UTC)  # 03:30 in Moscow: the next is tomorrow

    assert next_run(before, at, "Europe/Moscow") == dt.datetime(2026, 10, 1, 0, 30, tzinfo=dt.UTC)
    assert next_run(after, at, "Europe/Moscow") == dt.datetime(2026, 10, 2, 0, 30, tzinfo=dt.UTC)


@pytest.fixture
def school():
    keys = InMemoryPersonKeys()
    views = FakeErasureViews()
    views.add_pupils("s1", [LEFT, GRADUATE, PROMOTED], ENDS)
    clock = FakeClock(dt.datetime(2031, 6, 1, 9, 0, tzinfo=dt.UTC))
    deps = dataclasses.replace(in_memory_deps(keys=keys, clock=clock), erasure_views=views)
    return deps, keys, views


async def test_the_dry_run_lists_and_erases_nothing(school):
    deps, keys, _ = school

    found = await retention.due_for(deps, "s1", RetentionRule(5))

    assert [d.pupil_id for d in found] == ["p1", "p2"]
    assert deps.store.events == []
    assert keys.erase_calls == 0


async def test_a_run_erases_the_due_as_the_system_with_the_rules_reason_once(school):
    deps, keys, _ = school

    runs = await retention.run_everywhere(deps, RetentionRule(5))
    again = await retention.run_everywhere(deps, RetentionRule(5))

    assert runs is not None
    [run] = runs
    assert ([e.person for e in run.erased], run.failures) == (["p1", "p2"], [])
    stored = [
        e for e in deps.store.events if e.subject == subjects.erasure(2030, "s1", "pupil", "p1")
    ]
    [event] = decode_all(stored)
    assert event.reason == "срок хранения: выбыл 2026-03-15, прошло 5 лет"
    assert (stored[0].envelope.actor.id, stored[0].envelope.actor.role) == ("retention", "system")
    assert await keys.destroyed("s1", "pupil") == {"p1", "p2"}
    assert again is not None
    assert again[0].due == []  # erased: no longer due
    assert len(deps.store.events) == 2


async def test_a_run_while_another_replica_holds_the_lease_does_nothing(school):
    deps, keys, views = school
    views.lease_taken = True

    assert await retention.run_everywhere(deps, RetentionRule(5)) is None
    assert keys.erase_calls == 0
