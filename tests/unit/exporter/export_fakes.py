"""In-memory adapters of the exporter's `Deps` that the run tests share: the runs table, a
caught-up export state to give documents from, and a file store that copies everything."""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import AsyncIterator

from services.exporter.application.ports import Cut, RunRecord

SCHOOL_CONTENT = {
    "school_id": "s1",
    "starts_on": None,
    "ends_on": None,
    "periods": [],
    "scale": [],
    "work_kinds": [],
    "subjects": [],
}
"""The school record of school s1 with nothing configured yet."""


class Runs:
    """The runs table: a dict of records; the lock and the stale-run sweep do nothing (one
    task at a time); a scheduled moment is claimed once."""

    def __init__(self) -> None:
        self.runs: dict[uuid.UUID, RunRecord] = {}
        self.claims: set[tuple[str, int, str, dt.datetime]] = set()

    async def claim(self, school: str, year: int, kind: str, due: dt.datetime) -> bool:
        key = (school, year, kind, due)
        taken = key not in self.claims
        self.claims.add(key)
        return taken

    @contextlib.asynccontextmanager
    async def lock(self, school: str, year: int) -> AsyncIterator[None]:
        yield

    async def interrupt_stale(self, school: str, year: int) -> int:
        return 0

    async def last_cut(self, school: str, year: int) -> RunRecord | None:
        done = [r for r in self.runs.values() if r.status != "failed"]
        return max(done, key=lambda r: r.to_seq or 0, default=None)

    async def find_done(self, batch_id: str) -> RunRecord | None:
        return next(
            (
                r
                for r in self.runs.values()
                if r.batch_id == batch_id and r.status in {"published", "empty"}
            ),
            None,
        )

    async def save(self, run: RunRecord) -> None:
        self.runs[run.run_id] = run

    async def get(self, run_id: uuid.UUID) -> RunRecord | None:
        return self.runs.get(run_id)

    async def recent(self, school: str, year: int, limit: int) -> list[RunRecord]:
        return list(self.runs.values())[-limit:]

    async def years(self) -> list[tuple[str, int]]:
        return sorted({(r.school, r.year) for r in self.runs.values()})


class CaughtUpState:
    """The export state caught up at `seq` (counting the catch-ups); a full cut is the changes
    since 0. A subclass gives `changed`."""

    seq = 0

    def __init__(self) -> None:
        self.caught_up = 0

    async def catch_up(self) -> int:
        self.caught_up += 1
        return self.seq

    async def journal_last_seq(self) -> int:
        return self.seq

    def changed(
        self, school: str, year: int, after: int
    ) -> contextlib.AbstractAsyncContextManager[Cut]:
        raise NotImplementedError

    def full(
        self, school: str, year: int, until: int
    ) -> contextlib.AbstractAsyncContextManager[Cut]:
        return self.changed(school, year, 0)


class Files:
    """The file store: every attachment is copied."""

    async def copy(self, attachment: object) -> str:
        return "copied"
