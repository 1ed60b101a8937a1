"""Erasing people over the journal's HTTP API on real servers: the view reads «[удалено]» live
and after a rebuild from sequence 1 (row for row the same), an erased person's new data is
refused, an unknown one is not found, and the retention rule's dry run lists without erasing.

The key store is the session's (shared by every test): each test works in a school of its own.
"""

from __future__ import annotations

import datetime as dt
import secrets

import pytest

from services.common.db import PROJECTOR_MIGRATIONS
from services.journal.bootstrap import MIGRATIONS
from tests.support.running import running_journal
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration

YEAR = 2020
PERIODS = [{"period_id": "h1", "name": "1 полугодие", "starts_on": "2020-09-01",
            "ends_on": "2020-12-28"}]  # fmt: skip


@pytest.fixture
def school() -> str:
    return f"e{secrets.token_hex(4)}"


async def _ok(response, status: int = 200):
    assert response.status_code == status, response.text
    return response.json()


async def _rows(pool, schema: str, school: str) -> dict[str, list[tuple]]:
    async with pool.acquire() as conn:
        return {
            table: [
                tuple(r)
                for r in await conn.fetch(
                    f'SELECT * FROM "{schema}".{table} WHERE school = $1 ORDER BY 1, 2, 3, 4',
                    school,
                )
            ]
            for table in ("pupils", "staff", "erasures")
        }


async def test_an_erased_pupil_reads_erased_live_and_after_a_rebuild(
    nats_url, database_url, pg_schema, js, school
):
    async with running_journal(nats_url, database_url, pg_schema) as journal:
        admin = journal.headers("adm1", "admin", school=school)
        base = f"/journal/v1/schools/{school}/years/{YEAR}"
        person = {"full_name": "Акимова Вероника Антоновна", "birth_date": "2013-04-05"}
        await _ok(await journal.http.put(f"{base}/pupils/p1", json=person, headers=admin))
        other = {**person, "full_name": "Белов Кирилл"}
        await _ok(await journal.http.put(f"{base}/pupils/p2", json=other, headers=admin))
        staff = {"full_name": "Иванова Анна Петровна", "position": "учитель"}
        await _ok(await journal.http.put(f"{base}/staff/t1", json=staff, headers=admin))
        erasure = f"/journal/v1/schools/{school}/people/pupil/p1/erasure"
        reason = {"reason": "заявление законного представителя"}
        keyed = {**admin, "Idempotency-Key": "erase-p1"}

        first = await _ok(await journal.http.post(erasure, json=reason, headers=keyed), 201)
        again = await _ok(await journal.http.post(erasure, json=reason, headers=keyed), 200)
        later = await _ok(
            await journal.http.post(erasure, json={"reason": "ещё раз"}, headers=admin), 200
        )
        teacher = journal.headers("t1", "teacher", school=school)
        refused = await journal.http.post(
            f"/journal/v1/schools/{school}/people/staff/t1/erasure", json=reason, headers=teacher
        )
        unknown = await journal.http.post(
            f"/journal/v1/schools/{school}/people/pupil/nobody/erasure", json=reason, headers=admin
        )
        reregistered = await journal.http.put(f"{base}/pupils/p1", json=person, headers=admin)

        assert (first["keys_destroyed"], first["already_erased"]) == (1, False)
        assert first["event"]["event_type"] == "journal.PersonErased"
        assert again["event"] == {**first["event"], "duplicate": True}
        assert (later["already_erased"], later["event"], later["reason"]) == (
            True,
            None,
            reason["reason"],
        )
        assert (refused.status_code, refused.json()["reason"]) == (403, "role_not_allowed")
        assert (unknown.status_code, unknown.json()["reason"]) == (404, "person_not_found")
        assert (reregistered.status_code, reregistered.json()["reason"]) == (409, "person_erased")

        async def erased_in_the_view():
            pupils = await _ok(await journal.http.get(f"{base}/pupils", headers=admin))
            shown = {p["pupil_id"]: (p["full_name"], p["birth_date"]) for p in pupils["pupils"]}
            assert shown == {"p1": ("[удалено]", None), "p2": ("Белов Кирилл", "2013-04-05")}
            listed = await _ok(
                await journal.http.get(f"/journal/v1/schools/{school}/erasures", headers=admin)
            )
            [one] = listed["erasures"]
            assert (one["person"], one["erased_by"], one["keys_destroyed"]) == ("p1", "adm1", True)

        await eventually(erased_in_the_view, timeout=10)
        pool = journal.runtime.pool
        copy = f"{pg_schema}_copy"
        await journal.runtime.projector.rebuild_into(copy, PROJECTOR_MIGRATIONS, MIGRATIONS)
        live = await _rows(pool, pg_schema, school)
        assert await _rows(pool, copy, school) == live
        assert [r[3:5] for r in live["pupils"]] == [
            ("[удалено]", None),
            ("Белов Кирилл", dt.date(2013, 4, 5)),
        ]


async def test_the_retention_dry_run_lists_a_leaver_and_erases_nothing(
    nats_url, database_url, pg_schema, js, key_store, school
):
    async with running_journal(nats_url, database_url, pg_schema) as journal:
        admin = journal.headers("adm1", "admin", school=school)
        head = journal.headers("head1", "head", school=school)
        base = f"/journal/v1/schools/{school}/years/{YEAR}"
        year = {"school_name": "Школа", "starts_on": "2020-09-01", "ends_on": "2021-05-31",
                "periods": PERIODS}  # fmt: skip
        await _ok(await journal.http.put(base, json=year, headers=admin))
        staff = {"full_name": "Иванова Анна", "position": "учитель"}
        await _ok(await journal.http.put(f"{base}/staff/t1", json=staff, headers=admin))
        klass = {"grade": 9, "label": "9А", "class_teacher_id": "t1"}
        await _ok(await journal.http.put(f"{base}/classes/9a", json=klass, headers=admin))
        pupil = {"full_name": "Громов Илья", "birth_date": "2005-02-03"}
        await _ok(await journal.http.put(f"{base}/pupils/p9", json=pupil, headers=admin))
        members = f"{base}/classes/9a/members"
        join = {"pupil_id": "p9", "since": "2020-09-01"}
        await _ok(await journal.http.post(members, json=join, headers=admin))
        leave = {"last_day": "2021-03-15", "reason": "переезд"}
        await _ok(await journal.http.post(f"{members}/p9/leave", json=leave, headers=admin))
        due_path = f"/journal/v1/schools/{school}/erasures/due"

        async def listed():
            answer = await _ok(
                await journal.http.get(due_path, params={"leaver_years": 1}, headers=head)
            )
            assert [(d["pupil_id"], d["full_name"], d["left_on"]) for d in answer["due"]] == [
                ("p9", "Громов Илья", "2021-03-15")
            ]
            return answer

        answer = await eventually(listed, timeout=10)
        unset = await _ok(await journal.http.get(due_path, headers=admin))

        assert answer["due"][0]["reason"] == "срок хранения: выбыл 2021-03-15, прошёл 1 год"
        assert (answer["leaver_years"], answer["configured"]) == (1, False)
        assert (unset["leaver_years"], unset["due"]) == (None, [])
        erasures = await _ok(
            await journal.http.get(f"/journal/v1/schools/{school}/erasures", headers=head)
        )
        assert erasures["erasures"] == []
        assert await key_store.erasures(school) == []
