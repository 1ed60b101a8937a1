"""The year's plan crosses to the diary in the school record: the periods of each grade, how
subjects are assessed in some grades, the days off; the deltas still add up to the full."""

from __future__ import annotations

import datetime as dt

import pytest

from contracts.diary import Record, SchoolRecord, record_digest
from contracts.journal import DayOff, Period
from services.exporter.application.exporting import export
from services.journal.application import roster
from services.journal.domain import commands as c
from tests.integration.exporter.test_exports import read_diary, records_of
from tests.support.journal import ADMIN, SCHOOL, YEAR, meta

pytestmark = pytest.mark.integration


def period(period_id: str, name: str, starts: dt.date, ends: dt.date) -> Period:
    return Period(period_id=period_id, name=name, starts_on=starts, ends_on=ends)


# The year of `tests.support.journal` runs from 1 September to 31 May in q1 and q2; with a
# calendar every day of it must be off or in a period of every grade (the journal's rule).
QUARTERS = (
    period("q1", "1 четверть", dt.date(2026, 9, 1), dt.date(2026, 10, 26)),
    period("q2", "2 четверть", dt.date(2026, 11, 5), dt.date(2026, 12, 28)),
    period("q3", "3 четверть", dt.date(2027, 1, 9), dt.date(2027, 3, 22)),
    period("q4", "4 четверть", dt.date(2027, 4, 1), dt.date(2027, 5, 31)),
)
HALVES = (
    period("h1", "1 полугодие", dt.date(2026, 9, 1), dt.date(2026, 12, 28)),
    period("h2", "2 полугодие", dt.date(2027, 1, 9), dt.date(2027, 5, 31)),
)
VACATIONS = tuple(
    DayOff(name=name, kind="vacation", starts_on=starts, ends_on=ends)
    for name, starts, ends in (
        ("Осенние каникулы", dt.date(2026, 10, 27), dt.date(2026, 11, 4)),
        ("Зимние каникулы", dt.date(2026, 12, 29), dt.date(2027, 1, 8)),
        ("Весенние каникулы", dt.date(2027, 3, 23), dt.date(2027, 3, 31)),
    )
)


def school_record(records: list[Record]) -> SchoolRecord:
    (found,) = [r for r in records if isinstance(r, SchoolRecord)]
    return found


async def test_the_plan_reaches_the_feed_and_the_deltas_add_up_to_the_full(js, journal, exporter):
    first = (await export(exporter.deps, SCHOOL, YEAR, "delta", "cli")).run
    plan = roster.run_school  # the year's plan is the school's configuration
    primary = tuple(range(1, 10))
    await plan(journal, meta(ADMIN), c.SetPeriodScheme("quarters", "Четверти", primary, QUARTERS))
    await plan(journal, meta(ADMIN), c.SetPeriodScheme("halves", "Полугодия", (10, 11), HALVES))
    await plan(journal, meta(ADMIN), c.SetSubjectAssessment("russian", (5,), "pass_fail"))
    second = (await export(exporter.deps, SCHOOL, YEAR, "delta", "cli")).run
    await plan(journal, meta(ADMIN), c.SetSchoolCalendar(VACATIONS))
    quarters = c.SetPeriodScheme("quarters", "Четверти", (10,), QUARTERS)
    await plan(journal, meta(ADMIN), quarters)  # grade 10 leaves the halves
    third = (await export(exporter.deps, SCHOOL, YEAR, "delta", "cli")).run
    full = (await export(exporter.deps, SCHOOL, YEAR, "full", "cli")).run

    messages = await read_diary(js)
    union: dict[tuple[str, str], Record] = {}
    for run in (first, second, third):
        for record in records_of(messages, run.batch_id):
            key = (record.record_kind, record.record_id)
            if key not in union or union[key].seq < record.seq:
                union[key] = record
    full_records = records_of(messages, full.batch_id)
    assert {(r.record_kind, r.record_id): (r.seq, record_digest(r)) for r in full_records} == {
        key: (r.seq, record_digest(r)) for key, r in union.items()
    }
    assert [r.record_kind for r in records_of(messages, second.batch_id)] == ["school"]
    school = school_record(full_records)
    assert [(s.scheme_id, s.grades, s.periods) for s in school.schemes] == [
        ("quarters", (*primary, 10), QUARTERS),
        ("halves", (11,), HALVES),
    ]
    assert [(a.subject_id, a.grades, a.assessment) for a in school.assessments] == [
        ("russian", (5,), "pass_fail")
    ]
    assert school.days_off == VACATIONS
