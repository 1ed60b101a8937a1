"""One behavioural contract for every event store: the in-memory fake and JetStream agree."""

from __future__ import annotations

import asyncio
import itertools
import uuid

import pytest

from contracts.chain import GENESIS_HASH
from contracts.journal import LessonHeld, TopicSet
from contracts.streams import JOURNAL
from services.common.eventstore import ConcurrencyConflict, EventStore, Version
from services.common.eventstore_jetstream import JetStreamEventStore
from services.common.eventstore_memory import InMemoryEventStore
from tests.support.stored_events import envelope_of

pytestmark = pytest.mark.integration


def new_msg_id() -> str:
    return f"cmd-{uuid.uuid4().hex}"


class EventStoreContract:
    """The behaviours every `EventStore` keeps; subclasses provide the `store` fixture."""

    @pytest.fixture
    def subject(self) -> str:
        return f"jrn.2026.s1.5a.lesson.l{uuid.uuid4().hex[:12]}"

    async def test_an_unknown_subject_loads_empty_at_the_initial_version(
        self, store: EventStore, subject: str
    ):
        loaded = await store.load(subject)

        assert loaded.events == ()
        assert loaded.version == Version()

    async def test_the_first_append_at_the_initial_version_succeeds(
        self, store: EventStore, subject: str
    ):
        appended = await store.append(
            subject, envelope_of(LessonHeld()), expected=Version(), msg_id=new_msg_id()
        )

        assert appended.subject == subject
        assert appended.seq > 0
        assert not appended.duplicate

    async def test_load_returns_the_events_in_order_with_their_versions(
        self, store: EventStore, subject: str
    ):
        topics = ["Fractions", "Decimals", "Percentages"]
        version = Version()
        for topic in topics:
            await store.append(
                subject, envelope_of(TopicSet(topic=topic)), expected=version, msg_id=new_msg_id()
            )
            version = (await store.load(subject)).version

        loaded = await store.load(subject)

        assert [e.envelope.data["topic"] for e in loaded.events] == topics
        seqs = [e.seq for e in loaded.events]
        assert seqs == sorted(seqs)
        assert len(set(seqs)) == 3
        assert loaded.version == Version(loaded.events[-1].seq, loaded.events[-1].hash)
        assert all(e.subject == subject for e in loaded.events)

    async def test_an_append_at_a_stale_version_conflicts_and_records_nothing(
        self, store: EventStore, subject: str
    ):
        await store.append(subject, envelope_of(LessonHeld()), expected=Version(), msg_id="a1")
        before = await store.load(subject)

        with pytest.raises(ConcurrencyConflict):
            await store.append(
                subject, envelope_of(TopicSet(topic="Late")), expected=Version(), msg_id="a2"
            )

        assert (await store.load(subject)).events == before.events

    async def test_a_retried_command_is_recorded_once(self, store: EventStore, subject: str):
        envelope = envelope_of(TopicSet(topic="Once"))
        msg_id = new_msg_id()
        first = await store.append(subject, envelope, expected=Version(), msg_id=msg_id)

        retried = await store.append(subject, envelope, expected=Version(), msg_id=msg_id)

        assert (retried.seq, retried.duplicate) == (first.seq, True)
        assert len((await store.load(subject)).events) == 1

    async def test_a_retry_is_a_duplicate_even_after_the_subject_moved_on(
        self, store: EventStore, subject: str
    ):
        envelope = envelope_of(TopicSet(topic="First"))
        msg_id = new_msg_id()
        first = await store.append(subject, envelope, expected=Version(), msg_id=msg_id)
        after_first = (await store.load(subject)).version
        await store.append(
            subject, envelope_of(LessonHeld()), expected=after_first, msg_id=new_msg_id()
        )

        retried = await store.append(subject, envelope, expected=Version(), msg_id=msg_id)

        assert (retried.seq, retried.duplicate) == (first.seq, True)
        assert len((await store.load(subject)).events) == 2

    async def test_a_duplicate_answers_the_fingerprint_of_the_first_request(
        self, store: EventStore, subject: str
    ):
        envelope, msg_id = envelope_of(TopicSet(topic="Keyed")), new_msg_id()
        await store.append(subject, envelope, expected=Version(), msg_id=msg_id, fingerprint="f1")
        moved = (await store.load(subject)).version
        await store.append(subject, envelope_of(LessonHeld()), expected=moved, msg_id=new_msg_id())

        stale = await store.append(
            subject, envelope, expected=moved, msg_id=msg_id, fingerprint="f2"
        )
        elsewhere = await store.append(
            f"{subject}x", envelope, expected=Version(), msg_id=msg_id, fingerprint="f2"
        )

        assert [e.fingerprint for e in (await store.load(subject)).events] == ["f1", ""]
        assert (stale.duplicate, stale.fingerprint) == (True, "f1")
        assert (elsewhere.duplicate, elsewhere.fingerprint) == (True, "f1")

    async def test_each_event_chains_to_the_hash_of_the_previous_one(
        self, store: EventStore, subject: str
    ):
        version = Version()
        for topic in ["a", "b", "c", "d"]:
            await store.append(
                subject, envelope_of(TopicSet(topic=topic)), expected=version, msg_id=new_msg_id()
            )
            version = (await store.load(subject)).version

        events = (await store.load(subject)).events

        assert events[0].prev_hash == GENESIS_HASH
        for previous, current in itertools.pairwise(events):
            assert current.prev_hash == previous.hash
        assert len({e.hash for e in events}) == 4

    async def test_of_two_concurrent_appends_at_one_version_exactly_one_wins(
        self, store: EventStore, subject: str
    ):
        results = await asyncio.gather(
            store.append(subject, envelope_of(TopicSet(topic="A")), expected=Version(), msg_id="x"),
            store.append(subject, envelope_of(TopicSet(topic="B")), expected=Version(), msg_id="y"),
            return_exceptions=True,
        )

        conflicts = [r for r in results if isinstance(r, ConcurrencyConflict)]
        wins = [r for r in results if not isinstance(r, BaseException)]
        assert (len(wins), len(conflicts)) == (1, 1)
        assert len((await store.load(subject)).events) == 1

    async def test_subjects_are_independent_aggregates(self, store: EventStore, subject: str):
        other = f"{subject}x"
        await store.append(subject, envelope_of(LessonHeld()), expected=Version(), msg_id="s1")

        appended = await store.append(
            other, envelope_of(LessonHeld()), expected=Version(), msg_id="s2"
        )

        assert not appended.duplicate
        assert [e.subject for e in (await store.load(other)).events] == [other]


class TestInMemory(EventStoreContract):
    @pytest.fixture
    def store(self) -> InMemoryEventStore:
        return InMemoryEventStore()


class TestJetStream(EventStoreContract):
    @pytest.fixture
    def store(self, js) -> JetStreamEventStore:
        return JetStreamEventStore(js, JOURNAL.name)

    async def test_a_cold_store_loads_the_same_history_as_a_warm_one(self, js, store, subject):
        version = Version()
        for topic in ["x", "y", "z"]:
            await store.append(
                subject,
                envelope_of(TopicSet(topic=topic)),
                expected=version,
                msg_id=new_msg_id(),
                fingerprint=f"f-{topic}",
            )
            version = (await store.load(subject)).version

        warm = await store.load(subject)
        cold = await JetStreamEventStore(js, JOURNAL.name).load(subject)

        assert [(e.seq, e.hash, e.prev_hash, e.msg_id, e.fingerprint) for e in cold.events] == [
            (e.seq, e.hash, e.prev_hash, e.msg_id, e.fingerprint) for e in warm.events
        ]
        assert [e.envelope for e in cold.events] == [e.envelope for e in warm.events]
        assert cold.version == warm.version
        assert [e.fingerprint for e in cold.events] == ["f-x", "f-y", "f-z"]

    async def test_a_cold_store_sees_appends_made_by_another_writer(self, js, store, subject):
        await store.load(subject)  # warm the cache on an empty history
        other = JetStreamEventStore(js, JOURNAL.name)
        await other.append(subject, envelope_of(LessonHeld()), expected=Version(), msg_id="w1")

        loaded = await store.load(subject)

        assert [e.msg_id for e in loaded.events] == ["w1"]
        with pytest.raises(ConcurrencyConflict):
            await store.append(subject, envelope_of(LessonHeld()), expected=Version(), msg_id="w2")
