"""The one command loop over an in-memory store: event ids, retries, nothing to record, and
states with personal data never remembered past an erasure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from contracts.base import Event
from contracts.envelope import Actor
from contracts.journal import PupilRegistered
from contracts.personal import ERASED
from contracts.registry import JOURNAL_REGISTRY
from services.common.aggregate import Aggregate, Decision, EventLog, Issued, event_id
from services.common.command_loop import Recorded, one_event, run_command
from services.common.eventstore import Loaded
from services.common.eventstore_memory import InMemoryEventStore
from services.common.keystore_memory import InMemoryKeyStore

NOW = dt.datetime(2026, 10, 1, 9, tzinfo=dt.UTC)
ADMIN = Actor(id="adm1", role="admin")
SUBJECT = "jrn.2026.s1.pupil.p01"


@dataclass(frozen=True)
class Meta:
    command_id: str
    correlation_id: str = "corr"
    school: str = "s1"
    fingerprint: str = ""


def last_event(_state: Event | None, event: Event) -> Event | None:
    return event


def register(full_name: str) -> PupilRegistered:
    return PupilRegistered(pupil_id="p01", full_name=full_name, birth_date=dt.date(2015, 3, 1))


def deciding(event: Event | None):
    async def decide(_state: Event | None, _history: Loaded) -> Decision | None:
        return None if event is None else Decision(event, ADMIN, 2026)

    return decide


async def test_a_retried_command_answers_its_first_record_with_the_same_event_id():
    log = EventLog(InMemoryEventStore(), lambda: NOW, InMemoryKeyStore())
    pupil = Aggregate(None, last_event, JOURNAL_REGISTRY)
    first = await run_command(log, Meta("c1"), SUBJECT, pupil, deciding(register("Иванов Пётр")))
    again = await run_command(log, Meta("c1"), SUBJECT, pupil, deciding(register("Петров")))
    assert (first.duplicate, again.duplicate) == (False, True)
    assert again.seq == first.seq
    assert again.earlier is not None
    assert again.earlier.envelope.event_id == event_id("c1", SUBJECT)
    assert again.event_type == "journal.PupilRegistered"


async def test_a_command_that_changes_nothing_records_nothing():
    log = EventLog(InMemoryEventStore(), lambda: NOW)
    pupil = Aggregate(None, last_event, JOURNAL_REGISTRY)
    done = await run_command(log, Meta("c1"), SUBJECT, pupil, deciding(None))
    assert (done.seq, done.event, done.event_type) == (0, None, "")
    assert not (await log.store.load(SUBJECT)).events


async def test_personal_data_is_not_remembered_past_the_erasure_of_its_key():
    keys = InMemoryKeyStore()
    log = EventLog(InMemoryEventStore(), lambda: NOW, keys)
    pupil = Aggregate(None, last_event, JOURNAL_REGISTRY)
    await run_command(log, Meta("c1"), SUBJECT, pupil, deciding(register("Иванов Пётр")))
    before = await log.current(pupil, SUBJECT)
    assert isinstance(before, PupilRegistered)
    assert before.full_name == "Иванов Пётр"
    await keys.erase("s1", "pupil", "p01", by="adm1", reason="request")
    after = await log.current(pupil, SUBJECT)
    assert isinstance(after, PupilRegistered)
    assert (after.full_name, after.birth_date) == (ERASED, None)


async def test_a_one_event_decider_records_its_event_in_the_year_asked_when_it_decides():
    log = EventLog(InMemoryEventStore(), lambda: NOW)
    pupil = Aggregate(None, last_event, JOURNAL_REGISTRY)
    years = iter([2025, 2026])
    meta = Issued("c1", "corr", ADMIN, "s1", fingerprint="f1")
    decide = one_event(lambda _state: [register("Иванов Пётр")], ADMIN, lambda: next(years))
    done = await run_command(log, meta, SUBJECT, pupil, decide)
    assert done.recorded == Recorded(SUBJECT, 1, "journal.PupilRegistered", duplicate=False)
    (stored,) = (await log.store.load(SUBJECT)).events
    assert (stored.envelope.year, stored.envelope.actor) == (2025, ADMIN)
    again = await run_command(log, meta, SUBJECT, pupil, decide)
    assert again.recorded == Recorded(SUBJECT, 1, "journal.PupilRegistered", duplicate=True)
