"""The enrollment's two projections on real servers: the roster copy of JOURNAL and the read
model of ENROLLMENT. Restart and redelivery change nothing; a rebuild equals the live tables."""

from __future__ import annotations

import datetime as dt
import functools

import pytest

from contracts import subjects
from contracts.base import Event
from contracts.enrollment import (
    ApplicationApproved,
    ApplicationRejected,
    ApplicationSubmitted,
    LinkWithdrawn,
    PassportChecked,
    PupilDeparted,
    StaffUidRecorded,
    StaffUidRevoked,
)
from contracts.streams import ENROLLMENT, JOURNAL
from services.common.db import PROJECTOR_MIGRATIONS, migrate
from services.common.eventstore_jetstream import JetStreamEventStore
from services.common.projector import Projector
from services.enrollment.bootstrap import MIGRATIONS, ROSTER_MIGRATIONS
from services.journal.application import roster
from services.journal.domain import commands as jc
from tests.support import enrollment_served
from tests.support.audit import append
from tests.support.enrollment_served import rows
from tests.support.journal import ADMIN, meta

pytestmark = pytest.mark.integration

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
ROSTER_TABLES = {
    "school_years": "school, year",
    "pupils": "pupil_id",
    "staff": "staff_id",
    "classes": "class_id",
    "memberships": "seq",
    "class_teachers": "seq",
    "teaching": "seq",
}
VIEW_TABLES = {"applications": "application_id", "departures": "pupil_id", "staff_uids": "seq"}


class StartsFromTheBeginning(Projector):
    """A runner whose consumer starts at sequence 1 whatever the checkpoint: all redeliveries."""

    def _start_seq(self, checkpoint: int) -> int:
        return 1


# Small batches: a restart or a redelivery lands mid-history.
roster_projector = functools.partial(enrollment_served.roster_projector, batch_size=25)
view_projector = functools.partial(enrollment_served.view_projector, batch_size=3)


async def test_the_roster_copies_people_classes_and_intervals(
    js, journal, pg_pool, pg_schema, key_store
):
    await migrate(pg_pool, pg_schema, PROJECTOR_MIGRATIONS, ROSTER_MIGRATIONS)
    journal.clock.moment = dt.datetime(2026, 11, 10, 9, 0, tzinfo=dt.UTC)
    await roster.run_class(journal, meta(ADMIN), "5a", jc.UnassignTeaching("t-math", "math"))
    await roster.run_class(journal, meta(ADMIN), "5a", jc.AssignClassTeacher("t-math"))
    leave = jc.RemovePupilFromClass("p02", dt.date(2026, 11, 9), "переезд")
    await roster.run_class(journal, meta(ADMIN), "5a", leave)
    projector = roster_projector(js, pg_pool, keys=key_store)

    last = await projector.drain()

    assert last == (await js.stream_info(JOURNAL.name)).state.last_seq
    assert await pg_pool.fetchval("SELECT school_name FROM school_years") == "Школа № 1"
    assert await pg_pool.fetchval("SELECT count(*) FROM pupils") == 11
    assert await pg_pool.fetchval("SELECT label FROM classes WHERE class_id = '5a'") == "5А"
    stays = await pg_pool.fetch(
        "SELECT pupil_id, since, last_day FROM memberships WHERE pupil_id IN ('p02', 'p99')"
        " ORDER BY pupil_id"
    )
    assert [tuple(r) for r in stays] == [
        ("p02", dt.date(2026, 9, 1), dt.date(2026, 11, 9)),
        ("p99", dt.date(2026, 9, 14), None),
    ]
    teaching = await pg_pool.fetch(
        "SELECT subject_id, teacher_id, from_at, to_at FROM teaching ORDER BY seq"
    )
    assert [tuple(r) for r in teaching] == [
        ("math", "t-math", dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC), journal.clock.moment),
        ("russian", "t-rus", dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC), None),
    ]
    class_teachers = await pg_pool.fetch(
        "SELECT teacher_id, to_at FROM class_teachers ORDER BY seq"
    )
    assert [tuple(r) for r in class_teachers] == [
        ("t-rus", journal.clock.moment),
        ("t-math", None),
    ]
    await projector.close()


async def test_roster_restart_redelivery_and_rebuild_change_nothing(
    js, journal, pg_pool, pg_schema, key_store
):
    await migrate(pg_pool, pg_schema, PROJECTOR_MIGRATIONS, ROSTER_MIGRATIONS)
    first = roster_projector(js, pg_pool, keys=key_store)
    await first.drain()
    await first.close()
    live = await rows(pg_pool, ROSTER_TABLES)

    restarted = roster_projector(js, pg_pool, keys=key_store)
    await restarted.drain()
    await restarted.close()
    assert restarted.status().events_applied == 0
    leave = jc.RemovePupilFromClass("p03", dt.date(2026, 11, 9), "переезд")
    await roster.run_class(journal, meta(ADMIN), "5a", leave)
    stale = roster_projector(js, pg_pool, cls=StartsFromTheBeginning, keys=key_store)
    await stale.drain()
    await stale.close()

    assert stale.status().events_applied == 1
    after = await rows(pg_pool, ROSTER_TABLES)
    changed = set(after["memberships"]) - set(live["memberships"])
    assert [(m[4], m[6]) for m in changed] == [("p03", dt.date(2026, 11, 9))]
    assert len(after["memberships"]) == len(live["memberships"])
    assert {k: v for k, v in after.items() if k != "memberships"} == {
        k: v for k, v in live.items() if k != "memberships"
    }
    copy = f"{pg_schema}_copy"
    await roster_projector(js, pg_pool, keys=key_store).rebuild_into(
        copy, PROJECTOR_MIGRATIONS, ROSTER_MIGRATIONS
    )
    assert await rows(pg_pool, ROSTER_TABLES, copy) == after


async def record(store: JetStreamEventStore, subject: str, event: Event, minutes: int) -> None:
    await append(store, subject, event, at=T0 + dt.timedelta(minutes=minutes))


async def enrollment_history(js) -> None:
    store = JetStreamEventStore(js, ENROLLMENT.name)
    p01, p02 = subjects.enrollment_pupil("s1", "p01"), subjects.enrollment_pupil("s1", "p02")
    staff = subjects.enrollment_staff("s1", "t-math")
    submitted = {
        "pupil_id": "p01",
        "relation": "parent",
        "applicant_name": "Мать",
        "kinship": "mother",
    }
    steps = [
        (p01, ApplicationSubmitted(application_id="a1", uid=1001, **submitted)),
        (p01, ApplicationSubmitted(application_id="a2", uid=1002, **submitted)),
        (p01, PassportChecked(application_id="a1", checked_by="t-rus")),
        (p01, ApplicationApproved(application_id="a1", uid=1001, relation="parent")),
        (p01, ApplicationRejected(application_id="a2", reason="ФИО не совпадают")),
        (
            p02,
            ApplicationSubmitted(application_id="b1", uid=2001, **{**submitted, "pupil_id": "p02"}),
        ),
        (p02, PassportChecked(application_id="b1", checked_by="t-rus")),
        (p02, ApplicationApproved(application_id="b1", uid=2001, relation="parent")),
        (p01, LinkWithdrawn(application_id="a1", uid=1001, requested_by="parent", reason="сам")),
        (p02, PupilDeparted(last_day=dt.date(2026, 11, 30), reason="переезд", ended=("b1",))),
        (staff, StaffUidRecorded(staff_id="t-math", uid=5001)),
        (staff, StaffUidRecorded(staff_id="t-math", uid=5002)),
        (staff, StaffUidRevoked(staff_id="t-math", uid=5002, reason="уволился")),
    ]
    for minutes, (subject, event) in enumerate(steps):
        await record(store, subject, event, minutes)


async def test_the_read_model_holds_applications_links_and_uids(js, pg_pool, pg_schema):
    await migrate(pg_pool, pg_schema, PROJECTOR_MIGRATIONS, MIGRATIONS)
    await enrollment_history(js)
    projector = view_projector(js, pg_pool)

    assert await projector.drain() == 13

    apps = {
        r["application_id"]: r
        for r in await pg_pool.fetch("SELECT * FROM applications ORDER BY application_id")
    }
    assert {k: r["status"] for k, r in apps.items()} == {
        "a1": "withdrawn",
        "a2": "rejected",
        "b1": "ended",
    }
    assert apps["a1"]["linked_from"] == T0 + dt.timedelta(minutes=3)
    assert apps["a1"]["linked_to"] == T0 + dt.timedelta(minutes=8)
    assert (apps["b1"]["end_requested_by"], apps["b1"]["pupil_id"]) == ("departure", "p02")
    assert apps["a2"]["rejection_reason"] == "ФИО не совпадают"
    assert apps["a2"]["linked_from"] is None
    uids = await pg_pool.fetch("SELECT uid, ended_at, end_reason FROM staff_uids ORDER BY seq")
    assert [(r["uid"], r["end_reason"]) for r in uids] == [
        (5001, "replaced by a new UID"),
        (5002, "уволился"),
    ]
    assert all(r["ended_at"] is not None for r in uids)
    await projector.close()


async def test_read_model_restart_redelivery_and_rebuild_change_nothing(js, pg_pool, pg_schema):
    await migrate(pg_pool, pg_schema, PROJECTOR_MIGRATIONS, MIGRATIONS)
    await enrollment_history(js)
    first = view_projector(js, pg_pool)
    await first.drain()
    await first.close()
    live = await rows(pg_pool, VIEW_TABLES)

    for cls in (Projector, StartsFromTheBeginning):
        again = view_projector(js, pg_pool, cls=cls)
        assert await again.drain() == 13
        await again.close()
        assert again.status().events_applied == 0
        assert await rows(pg_pool, VIEW_TABLES) == live

    copy = f"{pg_schema}_copy"
    result = await view_projector(js, pg_pool).rebuild_into(copy, PROJECTOR_MIGRATIONS, MIGRATIONS)
    assert (result.last_seq, result.dead_letters) == (13, 0)
    assert await rows(pg_pool, VIEW_TABLES, copy) == live
