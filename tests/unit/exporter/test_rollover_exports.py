"""The full exports after a rollover, with in-memory adapters: both years once, the closed
year first; a year exported already is not exported again; a failure leaves the year due."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator

import pytest

from services.exporter.application.exporting import ExportFailed
from services.exporter.application.ports import Cut, Deps
from services.exporter.application.rollover_exports import ClosedYear, export_rollovers
from services.exporter.domain.docs import Doc
from tests.support.clock import FakeClock
from tests.unit.exporter.export_fakes import SCHOOL_CONTENT, CaughtUpState, Files, Runs

NOW = dt.datetime(2027, 6, 20, 16, 0, tzinfo=dt.UTC)
CLOSED = ClosedYear("s1", 2026, 2027, NOW - dt.timedelta(minutes=1))


class State(CaughtUpState):
    seq = 9

    @contextlib.asynccontextmanager
    async def full(self, school: str, year: int, until: int) -> AsyncIterator[Cut]:
        async def docs() -> AsyncIterator[Doc]:
            yield Doc("school", school, 9, {**SCHOOL_CONTENT, "school_id": school})

        yield Cut(until, docs())


class Publisher:
    def __init__(self, fail: bool = False) -> None:
        self.fail, self.sent = fail, []

    async def publish(self, subject, body, headers) -> None:
        if self.fail:
            raise ConnectionError("no ack")
        self.sent.append(subject)


class Book:
    def __init__(self, exported: set[int] | None = None) -> None:
        self.pending = [CLOSED]
        self.exported_years = exported or set()
        self.asked: list[int] = []

    async def due(self) -> list[ClosedYear]:
        return list(self.pending)

    async def exported(self, closed: ClosedYear, year: int) -> bool:
        self.asked.append(year)
        return year in self.exported_years

    async def done(self, closed: ClosedYear) -> None:
        self.pending.remove(closed)


def deps(publisher: Publisher | None = None) -> Deps:
    return Deps(Runs(), State(), publisher or Publisher(), Files(), FakeClock(NOW))


async def test_a_closed_year_gets_a_full_export_of_both_years_the_closed_one_first():
    d, book = deps(), Book()
    outcomes = await export_rollovers(d, book)
    assert [(o.run.year, o.run.kind, o.run.trigger) for o in outcomes] == [
        (2026, "full", "rollover"),
        (2027, "full", "rollover"),
    ]
    assert all(o.run.status == "published" for o in outcomes)
    assert book.pending == []
    assert d.state.caught_up == 1
    assert await export_rollovers(d, book) == []  # done: nothing runs twice


async def test_a_year_exported_before_a_crash_is_not_exported_again():
    d, book = deps(), Book(exported={2026})
    outcomes = await export_rollovers(d, book)
    assert [o.run.year for o in outcomes] == [2027]
    assert book.pending == []


async def test_a_failed_export_leaves_the_year_due():
    d, book = deps(Publisher(fail=True)), Book()
    with pytest.raises(ExportFailed):
        await export_rollovers(d, book)
    assert book.pending == [CLOSED]
    assert [r.status for r in d.runs.runs.values()] == ["failed"]
