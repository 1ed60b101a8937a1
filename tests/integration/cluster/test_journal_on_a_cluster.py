"""The journal on a three-node JetStream cluster of the pinned nats-server, its streams at R3,
two replicas of its API (and so two live projectors on one checkpoint) side by side.

While 16 writers record marks through the two replicas, the JOURNAL stream's leader node is
killed (-9) and, a few seconds later, started again on its store. Every writer sends each mark
like a real client: one Idempotency-Key per mark, sent again with the same key after a 503, a
409 or no answer. Afterwards: every mark was answered 2xx in the end, and each is on the stream
exactly once (by its mark id and by its command id); every lesson holds as many marks as its writers
were answered for (none lost an update); a write on a stale version is still refused; and the
journal view the two replicas kept equals a rebuild from sequence 1. The figures are printed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

import nats
import pytest
import pytest_asyncio

from contracts.journal import LessonHeld, MarkRecorded
from contracts.registry import JOURNAL_REGISTRY
from contracts.streams import JOURNAL
from deploy.launcher.nats_cluster import NatsCluster
from services.common.eventstore import ConcurrencyConflict, Version
from services.common.eventstore_jetstream import JetStreamEventStore
from services.common.jetstream import servers_of
from services.common.settings import NatsSettings
from services.journal.entrypoints.http import create_app
from tests.support.journal import CLASS_ID, PUPILS, seed_small_school
from tests.support.journal_view import assert_view_equals_a_rebuild, view_checkpoint
from tests.support.running import RunningJournal, journal_settings, running_app
from tests.support.stored_events import envelope_of
from tests.support.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

WRITERS = 16
BEFORE_KILL, NODE_DOWN, AFTER_RETURN = 3.0, 6.0, 4.0  # seconds of writing in each phase
ANSWER_WITHIN = 10.0  # an answer later than this is a hang
MAX_ATTEMPTS = 80
BASE = f"/journal/v1/schools/s1/years/2026/classes/{CLASS_ID}/lessons"
# The small school's September lessons: maths on Mondays (slot 1) and Wednesdays (slot 2),
# Russian on Mondays (slot 2).
MATHS_DAYS = (2, 7, 9, 14, 16, 21, 23, 28, 30)
SEATS = tuple(
    [(f"{CLASS_ID}-202609{day:02d}-{1 if dt.date(2026, 9, day).weekday() == 0 else 2}", "t-math")
     for day in MATHS_DAYS]
    + [(f"{CLASS_ID}-202609{day:02d}-2", "t-rus") for day in (7, 14, 21, 28)]
)  # fmt: skip


@dataclass
class Write:
    """One mark a writer sends until it is answered 2xx."""

    lesson_id: str
    key: str
    attempts: int = 0
    mark_id: str | None = None
    statuses: list[int | str] = field(default_factory=list)


@pytest.fixture(scope="module")
def cluster() -> Iterator[NatsCluster]:
    """Three nodes of this module's own: the test kills one."""
    nodes = NatsCluster()
    nodes.start_all()
    yield nodes
    nodes.close()


@pytest_asyncio.fixture(loop_scope="session")
async def cluster_js(cluster: NatsCluster) -> AsyncIterator[nats.js.JetStreamContext]:
    """A client of the cluster (reconnecting to another node when one goes away)."""
    client = await nats.connect(
        servers_of(cluster.url), name="tests", connect_timeout=5, reconnect_time_wait=0.2
    )
    yield client.jetstream(timeout=5)
    await client.close()


def _replica(cluster: NatsCluster, database_url: str, schema: str):
    """One replica of the journal on the cluster, its streams and buckets at R3."""

    def make_app(secret: str):
        settings = journal_settings(cluster.url, database_url, schema, secret)
        nats_settings = NatsSettings(url=cluster.url, replicas=3)
        return create_app(settings.model_copy(update={"nats": nats_settings}))

    return running_app(make_app, "http://journal")


async def _send(replica: RunningJournal, write: Write, teacher: str, pupil: str) -> None:
    """Send the mark until a 2xx (again with the same key after a 503, a 409 or no answer)."""
    headers = {**replica.headers(teacher, "teacher"), "Idempotency-Key": write.key}
    body = {"pupil_id": pupil, "value": "4", "work_kind_id": "oral"}
    while write.attempts < MAX_ATTEMPTS:
        write.attempts += 1
        try:
            response = await asyncio.wait_for(
                replica.http.post(f"{BASE}/{write.lesson_id}/marks", json=body, headers=headers),
                ANSWER_WITHIN,
            )
        except TimeoutError:
            write.statuses.append("hang")
        else:
            write.statuses.append(response.status_code)
            if response.is_success:
                write.mark_id = response.json()["mark_id"]
                return
            assert response.status_code in {409, 503}, response.text
        await asyncio.sleep(0.25)


async def _writer(
    number: int, replica: RunningJournal, writes: list[Write], stop: asyncio.Event
) -> None:
    """Marks on the writer's lesson (shared with other writers), one after the other."""
    lesson_id, teacher = SEATS[number % len(SEATS)]
    for n in itertools.count(1):
        if stop.is_set():
            return
        write = Write(lesson_id, f"cluster-w{number:02d}-{n:05d}")
        writes.append(write)
        await _send(replica, write, teacher, PUPILS[n % len(PUPILS)])


async def _marks_on_the_stream(js) -> tuple[Counter[str], Counter[str], Counter[str]]:
    """(mark ids, command ids (from each request's key), lesson ids) of every MarkRecorded on
    the test class's lessons."""
    store = JetStreamEventStore(js, JOURNAL.name)
    marks: Counter[str] = Counter()
    keys: Counter[str] = Counter()
    lessons: Counter[str] = Counter()
    for lesson_id, _ in SEATS:
        history = await store.load(f"jrn.2026.s1.{CLASS_ID}.lesson.{lesson_id}")
        for stored in history.events:
            envelope = stored.envelope
            if envelope.event_type != MarkRecorded.event_type:
                continue
            event = JOURNAL_REGISTRY.decode(envelope.event_type, 1, envelope.data)
            assert isinstance(event, MarkRecorded)
            marks[event.mark.mark_id] += 1
            keys[stored.msg_id] += 1
            lessons[lesson_id] += 1
    return marks, keys, lessons


async def test_killing_the_stream_leader_loses_no_acknowledged_mark(
    cluster, cluster_js, database_url, pg_schema, pg_pool, key_store
):
    async with (
        _replica(cluster, database_url, pg_schema) as first,
        _replica(cluster, database_url, pg_schema) as second,
    ):
        await seed_small_school(first.runtime.deps)
        info = await cluster_js.stream_info(JOURNAL.name)
        assert info.config.num_replicas == 3
        leader = cluster.node(info.cluster.leader)

        writes: list[Write] = []
        stop = asyncio.Event()
        replicas = (first, second)
        writers = [
            asyncio.create_task(_writer(n, replicas[n % 2], writes, stop)) for n in range(WRITERS)
        ]
        await asyncio.sleep(BEFORE_KILL)
        before = sum(w.mark_id is not None for w in writes)
        killed_at = time.monotonic()
        cluster.kill(leader)
        await asyncio.sleep(NODE_DOWN)
        cluster.start(leader)
        await asyncio.to_thread(cluster.ready)
        returned_after = time.monotonic() - killed_at
        await asyncio.sleep(AFTER_RETURN)
        stop.set()
        await asyncio.gather(*writers)
        new_leader = (await cluster_js.stream_info(JOURNAL.name)).cluster.leader

        answered = [w for w in writes if w.mark_id is not None]
        statuses = Counter(s for w in writes for s in w.statuses)
        print(  # noqa: T201 - the figures, to quote
            f"\ncluster: {len(writes)} marks ({before} before the kill), answers {dict(statuses)}, "
            f"leader {leader.name} -> {new_leader}, node back and current after "
            f"{returned_after:.1f} s, most attempts {max(w.attempts for w in writes)}"
        )
        assert len(answered) == len(writes), [w for w in writes if w.mark_id is None][:3]
        assert "hang" not in statuses
        assert statuses[503] > 0, "the kill was not felt: the test proves nothing"

        marks, keys, lessons = await _marks_on_the_stream(cluster_js)
        assert marks == Counter(w.mark_id for w in answered)
        assert len(keys) == len(answered), "a command recorded under two ids"
        assert set(keys.values()) == {1}
        assert lessons == Counter(w.lesson_id for w in answered)

        subject = f"jrn.2026.s1.{CLASS_ID}.lesson.{SEATS[0][0]}"
        store = JetStreamEventStore(cluster_js, JOURNAL.name)
        history = await store.load(subject)
        stale = Version(history.events[-2].seq, history.events[-2].hash)
        with pytest.raises(ConcurrencyConflict):
            await store.append(subject, envelope_of(LessonHeld()), expected=stale, msg_id="stale")

        last_seq = (await cluster_js.stream_info(JOURNAL.name)).state.last_seq

        async def caught_up() -> None:
            assert await view_checkpoint(pg_pool, pg_schema) == last_seq

        await eventually(caught_up, timeout=60)

    live = await assert_view_equals_a_rebuild(cluster_js, pg_pool, pg_schema, key_store)
    assert len(live["marks"]) == len(answered)
