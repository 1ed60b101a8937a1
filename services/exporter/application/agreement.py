"""The diary check: walk the journal's record facts and the diary's records side by side.

Both feeds are ordered by (kind, id) in byte order, so one pass finds every record missing from
the diary, every record the diary has in excess, and every field that differs, in memory bounded
by one record per side whatever the size of the year.

The exporter replaced every pupil's name in the free texts it published (the name guard), so
the journal's side goes through the same guard before it is compared: a redacted comment is
what the diary should show, not a difference.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Protocol

from kernel.redaction import Redact
from services.common.name_guard import guard_for
from services.exporter.domain.agreement import (
    COMPARED_KINDS,
    Difference,
    Line,
    Pseudonymise,
    differences,
    from_diary,
    from_journal,
    order_key,
)
from services.exporter.domain.redaction import redact_content

REPORTED_DIFFERENCES = 1000
"""A report lists at most this many differences (all are counted)."""


class RecordFeed(Protocol):
    """One side's records of a school year, ordered by (kind, id) in byte order."""

    def lines(self, school: str, year: int) -> AsyncIterator[Line]:
        """The records, one at a time."""
        ...


class PupilNames(Protocol):
    """The full names of a school's pupils (school side), for the name guard."""

    async def pupil_names(self, school: str) -> list[str]:
        """Every pupil's full name the school registered, of every year."""
        ...


@dataclass(slots=True)
class CheckReport:
    """What the check found for one school year."""

    school: str
    year: int
    checked_at: dt.datetime
    journal_records: int = 0
    diary_records: int = 0
    total_differences: int = 0
    by_problem: Counter[str] = field(default_factory=Counter)
    differences: list[Difference] = field(default_factory=list)

    @property
    def agrees(self) -> bool:
        """True when the diary shows exactly what the journal says."""
        return self.total_differences == 0


class _Counted:
    """A feed's compared lines, counting them as they pass (their free texts redacted when
    `redact` is given)."""

    def __init__(self, lines: AsyncIterator[Line], redact: Redact | None = None) -> None:
        self._lines = lines
        self._redact = redact
        self.count = 0

    async def next(self) -> Line | None:
        async for line in self._lines:
            if line.kind in COMPARED_KINDS:
                self.count += 1
                if self._redact is None:
                    return line
                content, _ = redact_content(line.kind, dict(line.content), self._redact)
                return Line(line.kind, line.record_id, content)
        return None


async def _merge(
    ours: _Counted, theirs: _Counted, pseudonym: Pseudonymise
) -> AsyncIterator[Difference]:
    mine, other = await ours.next(), await theirs.next()
    while mine is not None or other is not None:
        if mine is not None and (other is None or order_key(mine) < order_key(other)):
            yield Difference(mine.kind, mine.record_id, "missing_in_diary")
            mine = await ours.next()
        elif other is not None and (mine is None or order_key(other) < order_key(mine)):
            yield Difference(other.kind, other.record_id, "extra_in_diary")
            other = await theirs.next()
        elif mine is not None and other is not None:
            for difference in differences(from_journal(mine, pseudonym), from_diary(other)):
                yield difference
            mine, other = await ours.next(), await theirs.next()


@dataclass(frozen=True, slots=True)
class DiaryCheck:
    """The check wired to its two feeds and the pseudonym key."""

    journal: RecordFeed
    diary: RecordFeed
    pseudonym: Pseudonymise
    names: PupilNames | None = None

    async def run(
        self, school: str, year: int, now: dt.datetime, keep: int = REPORTED_DIFFERENCES
    ) -> CheckReport:
        """Compare the journal with the diary for a school year."""
        return await check(
            journal=self.journal,
            diary=self.diary,
            pseudonym=self.pseudonym,
            school=school,
            year=year,
            now=now,
            keep=keep,
            names=None if self.names is None else await self.names.pupil_names(school),
        )


async def check(  # noqa: PLR0913 - both feeds, the key, the school year and the roster, keyword-only
    *,
    journal: RecordFeed,
    diary: RecordFeed,
    pseudonym: Pseudonymise,
    school: str,
    year: int,
    now: dt.datetime,
    keep: int = REPORTED_DIFFERENCES,
    names: list[str] | None = None,
) -> CheckReport:
    """Compare the journal with the diary for a school year; the first `keep` differences.

    `names`: the school's pupils, whose mentions in the journal's free texts are redacted as
    the exporter redacted them (None: the texts are compared as they are).
    """
    report = CheckReport(school=school, year=year, checked_at=now)
    redact = None if names is None else guard_for(names).redact
    ours = _Counted(journal.lines(school, year), redact)
    theirs = _Counted(diary.lines(school, year))
    async for difference in _merge(ours, theirs, pseudonym):
        report.total_differences += 1
        report.by_problem[difference.problem] += 1
        if len(report.differences) < keep:
            report.differences.append(difference)
    report.journal_records, report.diary_records = ours.count, theirs.count
    return report
