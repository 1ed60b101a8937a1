"""The diary on real servers, as its integration and end-to-end tests drive it: its projector on a
migrated schema, a running diary caught up with its feed, the usual portal users granted, and
the PORTAL stream and the messages' tables read back for replay and rebuild checks.

The portal users are the same in every test that needs them (a parent, another parent, a pupil,
the maths teacher and the class teacher of 5a), so their UIDs live here once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from contracts.diary import AnyRecord, ClassScope, PupilScope
from contracts.registry import DIARY_REGISTRY, PORTAL_REGISTRY
from contracts.streams import DIARY, PORTAL
from services.common.db import PROJECTOR_MIGRATIONS, migrate
from services.common.eventstore import decode_stored
from services.common.projector import Projected, Projector
from services.diary.adapters.diary_projection import DiaryProjection
from services.diary.adapters.messages_projection import MessagesProjection
from services.diary.bootstrap import MIGRATIONS, rebuild_messages
from tests.support.diary import FeedWriter, class_record, pseudonym, school_record
from tests.support.waiting import eventually

if TYPE_CHECKING:
    from nats.js import JetStreamContext

    from services.common.db import Pool
    from services.diary.settings import Settings
    from tests.support.running import RunningDiary

ANNA, BORIS, VERA = pseudonym("anna"), pseudonym("boris"), pseudonym("vera")
PARENT, OTHER_PARENT, PUPIL, TEACHER, CLASS_TEACHER = 101, 102, 401, 301, 302
"""Portal UIDs: Anna's parent, Vera's parent, Anna herself, 5a's maths and class teachers."""


def diary_projector(js: JetStreamContext, pool: Pool) -> Projector:
    """The diary's projector of the DIARY stream into `pool`'s schema (short fetches)."""
    return Projector(
        js,
        pool,
        stream=DIARY.name,
        filter_subject=DIARY.subjects[0],
        registry=DIARY_REGISTRY,
        projection=DiaryProjection(),
        fetch_timeout=0.2,
    )


async def migrated_diary_projector(js: JetStreamContext, pool: Pool, schema: str) -> Projector:
    """`diary_projector` on `schema` once the diary's tables are there; not running yet."""
    await migrate(pool, schema, PROJECTOR_MIGRATIONS, MIGRATIONS)
    return diary_projector(js, pool)


def anna_in_5a(since: dt.date = dt.date(2020, 9, 1)) -> list[AnyRecord]:
    """The school's year and 5a with Anna, a member from `since`."""
    return [school_record(), class_record("5a", members=[(ANNA, since, None)])]


def two_classes(since: dt.date = dt.date(2020, 9, 1)) -> list[AnyRecord]:
    """The school's year, 5a with Anna and Boris, 5b with Vera, all members from `since`."""
    return [
        school_record(),
        class_record("5a", members=[(ANNA, since, None), (BORIS, since, None)]),
        class_record("5b", members=[(VERA, since, None)], seq=3),
    ]


async def grant_anna_and_5a(feed: FeedWriter, uids: Iterable[int]) -> None:
    """Grant each of `uids` what its role reads: Anna to `PARENT` and `PUPIL`, Vera to
    `OTHER_PARENT`, 5a's maths to `TEACHER`, all of 5a to `CLASS_TEACHER`."""
    grants: dict[int, tuple[str, PupilScope | ClassScope]] = {
        PARENT: ("g-parent", PupilScope(pupil=ANNA, relation="parent")),
        OTHER_PARENT: ("g-other", PupilScope(pupil=VERA, relation="parent")),
        PUPIL: ("g-pupil", PupilScope(pupil=ANNA, relation="pupil")),
        TEACHER: ("g-math", ClassScope(class_id="5a", subject_id="math")),
        CLASS_TEACHER: ("g-class", ClassScope(class_id="5a")),
    }
    for uid in uids:
        grant_id, scope = grants[uid]
        await feed.grant(grant_id, uid, scope)


async def publish_granted(
    js: JetStreamContext, records: Sequence[AnyRecord], uids: Iterable[int]
) -> FeedWriter:
    """Publish `records` as one batch and grant `uids` (see `grant_anna_and_5a`); the writer."""
    feed = FeedWriter(js)
    await feed.publish(feed.batch(records))
    await grant_anna_and_5a(feed, uids)
    return feed


async def feed_applied(running: RunningDiary, js: JetStreamContext) -> None:
    """Wait until the running diary's projector has applied the DIARY stream as it is now."""
    last = (await js.stream_info(DIARY.name)).state.last_seq

    def caught_up() -> None:
        assert running.runtime.projector.status().last_seq >= last

    await eventually(caught_up, timeout=10)


def as_user(running: RunningDiary, uid: int, role: str, key: str | None = None) -> dict[str, str]:
    """The headers of the portal user `uid` in `role`, with an Idempotency-Key when given."""
    headers = running.headers(f"user-{uid}", role, uid=uid)
    if key is not None:
        headers["Idempotency-Key"] = key
    return headers


async def portal_last_seq(js: JetStreamContext) -> int:
    """The PORTAL stream's last sequence: what the portal users' commands have recorded."""
    return int((await js.stream_info(PORTAL.name)).state.last_seq)


async def portal_items(js: JetStreamContext) -> list[Projected]:
    """Every event of the PORTAL stream, decoded as the messages' projector receives it."""
    items = []
    for seq in range(1, await portal_last_seq(js) + 1):
        raw = await js.get_msg(PORTAL.name, seq)
        stored = decode_stored(
            raw.subject or "", raw.seq or seq, raw.data or b"", raw.headers or {}, raw.time
        )
        env = stored.envelope
        event = PORTAL_REGISTRY.decode(env.event_type, env.schema_version, env.data)
        items.append(Projected(stored, event))
    return items


async def snapshot(pool: Pool, tables: Iterable[str]) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of each table, in a stable order: what a replay or rebuild must reproduce."""
    found = {}
    async with pool.acquire() as conn:
        for table in tables:
            rows = await conn.fetch(f"SELECT * FROM {table} ORDER BY 1, 2, 3")
            found[table] = [tuple(r.values()) for r in rows]
    return found


async def redeliver(pool: Pool, *batches: Sequence[Projected]) -> None:
    """Apply each batch of PORTAL events again through the messages' projection, in one
    transaction over the live rows, as a redelivered projector batch would."""
    async with pool.acquire() as conn, conn.transaction():
        for batch in batches:
            await MessagesProjection().apply(conn, batch)


async def assert_messages_rebuild_reproduces(
    running: RunningDiary,
    js: JetStreamContext,
    settings: Settings,
    tables: Iterable[str],
    live: dict[str, list[tuple[Any, ...]]],
) -> None:
    """Rebuild the messages' read model from sequence 1 into a fresh schema, swapped in: it
    reaches the end of the PORTAL stream and its `tables` hold the same rows as `live`."""
    result = await rebuild_messages(running.runtime, settings)
    assert result.last_seq == await portal_last_seq(js)
    pool = running.runtime.messages_pool

    async def same() -> None:
        assert await snapshot(pool, tables) == live

    await eventually(same, timeout=10)
