"""The journal, the diary and the exporter of one end-to-end test, run in-process on the
test's servers over the small test school: exports run at once and waited for until the diary
has applied them, and the diary check wired to the journal and the diary over HTTP (the same
calls as in production)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from contracts.streams import ENROLLMENT
from services.common.eventstore_jetstream import JetStreamEventStore
from services.exporter.adapters.record_feeds import (
    DIARY_RECORDS_PATH,
    JOURNAL_FACTS_PATH,
    HttpRecordFeed,
)
from services.exporter.application.agreement import CheckReport, DiaryCheck, PupilNames
from services.exporter.application.exporting import export
from tests.support.enrollment_events import EnrollmentWriter
from tests.support.journal import seed_small_school
from tests.support.running import (
    RunningApp,
    RunningDiary,
    RunningExporter,
    RunningJournal,
    running_diary,
    running_exporter,
    running_journal,
)
from tests.support.waiting import eventually

if TYPE_CHECKING:
    from nats.js import JetStreamContext

    from contracts.diary import BatchKind

SCHOOL, YEAR = "s1", 2026
DIARY_YEAR = f"/diary/v1/schools/{SCHOOL}/years/{YEAR}"


def system(diary: RunningDiary) -> dict[str, str]:
    """The exporter's headers on the diary (operators' routes: batches, records)."""
    return diary.headers("exporter", "system")


async def batch_decided(
    diary: RunningDiary,
    batch_id: str,
    status: str = "applied",
    timeout: float = 5.0,  # noqa: ASYNC109 - a deadline for many awaits, not one
) -> dict[str, Any]:
    """Wait until the diary has decided the batch `batch_id` as `status` (applied or
    rejected); the diary's row of it."""

    async def decided() -> dict[str, Any]:
        response = await diary.http.get(f"{DIARY_YEAR}/batches", headers=system(diary))
        batch: dict[str, Any] | None = {b["batch_id"]: b for b in response.json()}.get(batch_id)
        assert batch is not None
        assert batch["status"] == status, batch
        return batch

    return await eventually(decided, timeout=timeout)


def diary_check(
    journal: RunningJournal,
    diary: RunningDiary,
    exporter: RunningExporter,
    names: PupilNames | None = None,
) -> DiaryCheck:
    """The diary check over the in-process journal and diary, each called with a token of its
    own development issuer; with `names`, the journal's texts are redacted as exports are."""

    def tokens(service: RunningApp[Any]) -> Callable[[str], str]:
        return lambda school: service.issuer.mint("exporter", ["system"], school)

    return DiaryCheck(
        journal=HttpRecordFeed(journal.http, "http://journal", JOURNAL_FACTS_PATH, tokens(journal)),
        diary=HttpRecordFeed(diary.http, "http://diary", DIARY_RECORDS_PATH, tokens(diary)),
        pseudonym=exporter.runtime.pseudonymiser.of,
        names=names,
    )


@dataclass
class Platform:
    """The three services of one test, the writer of enrollment facts (the exporter turns
    them into grants) and the diary check."""

    journal: RunningJournal
    diary: RunningDiary
    exporter: RunningExporter
    enrollment: EnrollmentWriter
    check: DiaryCheck = field(init=False)

    def __post_init__(self) -> None:
        self.check = diary_check(self.journal, self.diary, self.exporter)

    def pseudonym(self, pupil_id: str) -> str:
        """The pupil's pseudonym, as the exporter publishes it."""
        return self.exporter.runtime.pseudonymiser.of(pupil_id)

    async def export(self, kind: BatchKind = "delta") -> dict[str, Any]:
        """Run an export now and wait until the diary has applied its batch; the diary's row
        of the batch. The journal's view is caught up first: the check and the export's
        callers read it."""
        await self.journal.runtime.projector.drain()
        outcome = await export(self.exporter.runtime.deps, SCHOOL, YEAR, kind, "api")
        batch_id = outcome.run.batch_id
        assert batch_id is not None
        return await batch_decided(self.diary, batch_id)

    async def run_check(self) -> CheckReport:
        """The diary check now, the journal's view caught up first (it feeds the check)."""
        await self.journal.runtime.projector.drain()
        return await self.check.run(SCHOOL, YEAR, dt.datetime.now(dt.UTC))


@contextlib.asynccontextmanager
async def running_platform(
    nats_url: str, database_url: str, schema: str, js: JetStreamContext
) -> AsyncIterator[Platform]:
    """The journal (on `schema`, the small school seeded), the diary and the exporter (on
    schemas named after it), for as long as the block runs."""
    async with (
        running_journal(nats_url, database_url, schema) as journal,
        running_diary(nats_url, database_url, f"{schema}_diary") as diary,
        running_exporter(nats_url, database_url, f"{schema}_exporter") as exporter,
    ):
        await seed_small_school(journal.runtime.deps)
        enrollment = EnrollmentWriter(JetStreamEventStore(js, ENROLLMENT.name), SCHOOL, YEAR)
        yield Platform(journal, diary, exporter, enrollment)
