"""Erasure in the enrollment (`journal.PersonErased`, crypto-shredding): the roster copy and the
applications blank the person's data live, a rebuild from sequence 1 gives the same rows, and
the API and the printed form answer with «[удалено]» instead of failing.

Every test erases people of its own (ids no other test uses): the key store is the session's.
"""

from __future__ import annotations

import datetime as dt
import secrets

import pytest

from contracts import subjects
from contracts.base import Event
from contracts.enrollment import ApplicationSubmitted
from contracts.journal import PersonErased, PupilRegistered, StaffMemberRegistered
from contracts.personal import ERASED
from contracts.streams import ENROLLMENT, JOURNAL
from services.common.db import PROJECTOR_MIGRATIONS, migrate
from services.common.eventstore_jetstream import JetStreamEventStore
from services.enrollment import bootstrap
from services.enrollment.bootstrap import MIGRATIONS, ROSTER_MIGRATIONS
from services.journal.application import roster
from services.journal.domain import commands as jc
from tests.support.audit import append
from tests.support.enrollment_served import roster_projector, rows, view_projector
from tests.support.journal import ADMIN, CLASS_ID, meta
from tests.support.running import enrollment_settings, roster_caught_up
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration

ROSTER_TABLES = {
    "school_years": "school, year",
    "pupils": "school, pupil_id",
    "staff": "school, staff_id",
    "classes": "school, year, class_id",
    "memberships": "seq",
    "class_teachers": "seq",
    "teaching": "seq",
}
VIEW_TABLES = {
    "applications": "school, application_id",
    "departures": "school, pupil_id",
    "staff_uids": "seq",
}

BASE = "/enrollment/v1/schools/s1"
PUPIL_NAME = "Стёртова Алиса Игоревна"
MOTHER_NAME = "Стёртова Ирина Павловна"
TEACHER_NAME = "Уволенный Пётр Ильич"
CONTACT = "+7 900 111-22-33"
REASON = "заявление законного представителя об удалении персональных данных"


@pytest.fixture
def settings(nats_url, database_url, pg_schema):
    """The enrollment's settings of the `app` fixture (its schemas, for a rebuild)."""
    return enrollment_settings(nats_url, database_url, pg_schema, "x" * 32)


def admin(app) -> dict[str, str]:
    return app.headers("adm1", "admin")


def unique(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


async def publish(js, stream: str, subject: str, event: Event) -> int:
    """Append `event` as its service would, hash chain and all."""
    return await append(JetStreamEventStore(js, stream), subject, event)


async def erase(js, key_store, kind: str, person: str, applications: tuple[str, ...] = ()) -> None:
    """What the journal's erasure does: record `PersonErased`, then destroy the keys."""
    event = PersonErased(kind=kind, person=person, applications=applications, reason=REASON)
    await publish(js, JOURNAL.name, subjects.erasure(2026, "s1", kind, person), event)
    await key_store.erase("s1", kind, person, by="adm1", reason=REASON)


async def journal_end(js) -> int:
    return (await js.stream_info(JOURNAL.name)).state.last_seq


async def submit(app, pupil_id: str, uid: int, name: str, contact: str | None) -> str:
    body = {
        "pupil_id": pupil_id,
        "uid": uid,
        "relation": "parent",
        "applicant_name": name,
        "kinship": "mother",
        "contact": contact,
    }
    response = await app.http.post(f"{BASE}/applications", json=body, headers=admin(app))
    assert response.status_code == 201, response.text
    return str(response.json()["application_id"])


async def get(app, path: str):
    response = await app.http.get(f"{BASE}{path}", headers=admin(app))
    assert response.status_code == 200, response.text
    return response


async def all_rows(app, pg_schema: str) -> dict[str, list]:
    pool = app.runtime.pool
    return {
        **await rows(pool, VIEW_TABLES, pg_schema),
        **await rows(pool, ROSTER_TABLES, f"{pg_schema}_roster"),
    }


async def test_an_erased_pupil_and_teacher_read_erased_live_after_a_rebuild_and_in_print(
    app, js, journal, key_store, settings, pg_schema
):
    pupil, teacher = unique("px"), unique("tx")
    await roster.register_pupil(
        journal, meta(ADMIN), jc.RegisterPupil(pupil, PUPIL_NAME, dt.date(2014, 5, 17))
    )
    await roster.run_class(
        journal, meta(ADMIN), CLASS_ID, jc.AddPupilToClass(pupil, dt.date(2026, 9, 1))
    )
    await roster.register_staff(
        journal, meta(ADMIN), jc.RegisterStaffMember(teacher, TEACHER_NAME, "учитель")
    )
    await roster_caught_up(app, await journal_end(js))
    erased_app = await submit(app, pupil, 7001, MOTHER_NAME, CONTACT)
    kept_app = await submit(app, "p01", 7002, "Иванова Мария Петровна", "+7 900 000-00-00")
    for step, body in (("passport-check", {"checked_by": teacher}), ("approve", None)):
        done = await app.http.post(
            f"{BASE}/applications/{erased_app}/{step}", json=body, headers=admin(app)
        )
        assert done.status_code == 200, done.text

    async def applied():
        view = (await get(app, f"/applications/{erased_app}")).json()
        assert (view["applicant_name"], view["status"]) == (MOTHER_NAME, "approved")

    await eventually(applied)
    before = await all_rows(app, pg_schema)
    assert MOTHER_NAME in str(before["applications"])
    assert PUPIL_NAME in str(before["pupils"])

    await erase(js, key_store, "pupil", pupil, (erased_app,))
    await erase(js, key_store, "staff", teacher)
    await roster_caught_up(app, await journal_end(js))

    pool = app.runtime.pool
    q = f'"{pg_schema}_roster"'
    assert tuple(
        await pool.fetchrow(
            f"SELECT full_name, birth_date FROM {q}.pupils WHERE pupil_id = $1", pupil
        )
    ) == (ERASED, None)
    assert (
        await pool.fetchval(f"SELECT full_name FROM {q}.staff WHERE staff_id = $1", teacher)
        == ERASED
    )
    by_id = {
        r["application_id"]: (r["applicant_name"], r["contact"])
        for r in await pool.fetch(f'SELECT * FROM "{pg_schema}".applications')
    }
    assert by_id == {
        erased_app: (ERASED, None),
        kept_app: ("Иванова Мария Петровна", "+7 900 000-00-00"),
    }
    live = await all_rows(app, pg_schema)
    for text in (PUPIL_NAME, MOTHER_NAME, TEACHER_NAME, CONTACT, "2014-05-17"):
        assert text not in str(live)

    view = (await get(app, f"/applications/{erased_app}")).json()
    assert (view["applicant_name"], view["contact"], view["status"]) == (ERASED, None, "approved")
    form = (await get(app, f"/applications/{erased_app}/form")).text
    assert ERASED in form
    for text in (PUPIL_NAME, MOTHER_NAME, TEACHER_NAME, CONTACT, "17.05.2014"):
        assert text not in form
    pdf = await get(app, f"/applications/{erased_app}/form.pdf")
    assert pdf.content.startswith(b"%PDF")
    staff = {s["staff_id"]: s["full_name"] for s in (await get(app, "/staff")).json()}
    assert staff[teacher] == ERASED
    access = (await get(app, f"/pupils/{pupil}/access")).json()
    assert [link["applicant_name"] for link in access["links"]] == [ERASED]

    view_result, roster_result = await bootstrap.rebuild_views(app.runtime, settings)

    assert (view_result.dead_letters, roster_result.dead_letters) == (0, 0)
    assert await all_rows(app, pg_schema) == live


async def test_erasure_blanks_data_written_in_the_clear_and_a_replay_agrees(
    js, pg_pool, pg_schema, key_store
):
    """Events written before sealing carry names in the clear: destroying a key cannot erase
    them, so the erasure event itself blanks the copies, and a replay blanks them again."""
    pupil = unique("pc")
    application = f"{pupil}-0123456789"
    await migrate(pg_pool, pg_schema, PROJECTOR_MIGRATIONS, MIGRATIONS, ROSTER_MIGRATIONS)
    registered = PupilRegistered(
        pupil_id=pupil, full_name=PUPIL_NAME, birth_date=dt.date(2014, 5, 17)
    )
    await publish(js, JOURNAL.name, subjects.pupil(2026, "s1", pupil), registered)
    await publish(
        js,
        JOURNAL.name,
        subjects.staff_member(2026, "s1", "tc"),
        StaffMemberRegistered(staff_id="tc", full_name=TEACHER_NAME, position="учитель"),
    )
    submitted = ApplicationSubmitted(
        application_id=application,
        pupil_id=pupil,
        uid=7101,
        relation="parent",
        applicant_name=MOTHER_NAME,
        kinship="mother",
        contact=CONTACT,
    )
    await publish(js, ENROLLMENT.name, subjects.enrollment_pupil("s1", pupil), submitted)
    view = view_projector(js, pg_pool, keys=key_store)
    await view.drain()
    await view.close()
    # The clear-text pupil never had a key: the erasure names no application, yet the pupil's
    # applications go with them.
    for kind, person in (("pupil", pupil), ("staff", "tc")):
        event = PersonErased(kind=kind, person=person, reason=REASON)
        await publish(js, JOURNAL.name, subjects.erasure(2026, "s1", kind, person), event)
    live = roster_projector(js, pg_pool, keys=key_store, applications=pg_schema)
    await live.drain()
    await live.close()

    tables = {**VIEW_TABLES, **ROSTER_TABLES}
    now = await rows(pg_pool, tables)
    assert [(r[2], r[3]) for r in now["pupils"]] == [(ERASED, None)]
    assert [r[2] for r in now["staff"]] == [ERASED]
    assert [(r[5], r[7]) for r in now["applications"]] == [(ERASED, None)]

    copy = f"{pg_schema}_copy"
    await view_projector(js, pg_pool, keys=key_store).rebuild_into(
        copy, PROJECTOR_MIGRATIONS, MIGRATIONS
    )
    replay = roster_projector(js, pg_pool, keys=key_store, applications=copy)
    await replay.rebuild_into(copy, PROJECTOR_MIGRATIONS, ROSTER_MIGRATIONS)
    assert await rows(pg_pool, tables, copy) == now
