"""Staff UIDs over HTTP and the access history of a pupil's diary (with `on=`)."""

from __future__ import annotations

import datetime as dt

import pytest

from contracts.streams import ENROLLMENT, JOURNAL
from services.journal.application import roster
from services.journal.domain import commands as jc
from tests.support.journal import ADMIN, meta
from tests.support.running import roster_caught_up
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration

BASE = "/enrollment/v1/schools/s1"


def admin(app) -> dict[str, str]:
    return app.headers("adm1", "admin")


async def put_uid(app, staff_id: str, uid: int):
    return await app.http.put(f"{BASE}/staff/{staff_id}/uid", json={"uid": uid}, headers=admin(app))


async def staff_list(app) -> dict[str, dict]:
    response = await app.http.get(f"{BASE}/staff", headers=app.headers("dep1", "deputy"))
    assert response.status_code == 200, response.text
    return {s["staff_id"]: s for s in response.json()}


async def access(app, on: str | None = None) -> dict:
    params = {"on": on} if on else {}
    response = await app.http.get(
        f"{BASE}/pupils/p01/access", params=params, headers=app.headers("head1", "head")
    )
    assert response.status_code == 200, response.text
    return response.json()


def staff_seen(history: dict) -> set[tuple]:
    return {(s["staff_id"], s["uid"], s["subject_id"], s["via"]) for s in history["staff"]}


async def test_staff_uids_are_recorded_replaced_revoked_and_unique(app, js, clock):
    recorded = await put_uid(app, "t-math", 5001)
    assert recorded.status_code == 200, recorded.text
    assert (recorded.json()["uid"], recorded.json()["event_type"]) == (
        5001,
        "enrollment.StaffUidRecorded",
    )
    unknown = await put_uid(app, "nobody", 7001)
    assert (unknown.status_code, unknown.json()["reason"]) == (422, "unknown_staff")
    same = await put_uid(app, "t-math", 5001)
    assert (same.status_code, same.json()["reason"]) == (409, "uid_unchanged")

    async def holds_5001():
        assert (await staff_list(app))["t-math"]["uid"] == 5001

    await eventually(holds_5001)
    taken = await put_uid(app, "t-rus", 5001)
    assert (taken.status_code, taken.json()["reason"]) == (409, "uid_in_use")

    clock.set(dt.date(2026, 11, 3))
    assert (await put_uid(app, "t-math", 5002)).json()["uid"] == 5002
    revoked = await app.http.request(
        "DELETE", f"{BASE}/staff/t-math/uid", json={"reason": "уволился"}, headers=admin(app)
    )
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["uid"] is None
    again = await app.http.request(
        "DELETE", f"{BASE}/staff/t-math/uid", json={"reason": "x"}, headers=admin(app)
    )
    assert (again.status_code, again.json()["reason"]) == (404, "no_uid")

    async def history():
        member = (await staff_list(app))["t-math"]
        assert member["uid"] is None
        assert [(u["uid"], u["end_reason"]) for u in member["uids"]] == [
            (5001, "replaced by a new UID"),
            (5002, "уволился"),
        ]

    await eventually(history)
    assert (await js.stream_info(ENROLLMENT.name)).state.messages == 3


async def test_the_access_history_on_a_day(app, js, journal, clock):
    assert (await put_uid(app, "t-math", 5001)).status_code == 200  # 2026-11-02
    assert (await put_uid(app, "t-rus", 6001)).status_code == 200
    journal.clock.moment = dt.datetime(2026, 11, 10, 9, 0, tzinfo=dt.UTC)
    await roster.run_class(journal, meta(ADMIN), "5a", jc.UnassignTeaching("t-math", "math"))
    await roster_caught_up(app, (await js.stream_info(JOURNAL.name)).state.last_seq)
    clock.set(dt.date(2026, 11, 20))
    body = {
        "pupil_id": "p01",
        "uid": 1001,
        "relation": "parent",
        "applicant_name": "Мать",
        "kinship": "mother",
    }
    created = await app.http.post(f"{BASE}/applications", json=body, headers=admin(app))
    app_id = created.json()["application_id"]
    for step, payload in (("passport-check", {"checked_by": "t-rus"}), ("approve", None)):
        done = await app.http.post(
            f"{BASE}/applications/{app_id}/{step}", json=payload, headers=admin(app)
        )
        assert done.status_code == 200, done.text

    async def everything():
        history = await access(app)
        assert len(history["links"]) == 1
        assert len(history["staff"]) == 3
        return history

    whole = await eventually(everything)
    math = next(s for s in whole["staff"] if s["subject_id"] == "math")
    assert (math["from"], math["to"], math["full_name"]) == (
        "2026-11-02",
        "2026-11-10",
        "Иванова Анна Петровна",
    )
    assert math["class_label"] == "5А"
    assert whole["links"][0]["from"].startswith("2026-11-20")

    before_uids = await access(app, "2026-10-15")
    assert (before_uids["links"], before_uids["staff"]) == ([], [])
    assert staff_seen(await access(app, "2026-11-05")) == {
        ("t-math", 5001, "math", "teacher"),
        ("t-rus", 6001, "russian", "teacher"),
        ("t-rus", 6001, None, "class-teacher"),
    }
    after_unassign = await access(app, "2026-11-15")
    assert staff_seen(after_unassign) == {
        ("t-rus", 6001, "russian", "teacher"),
        ("t-rus", 6001, None, "class-teacher"),
    }
    assert after_unassign["links"] == []
    linked = await access(app, "2026-11-22")
    assert [link["uid"] for link in linked["links"]] == [1001]


async def test_the_access_of_an_unknown_pupil_is_refused(app):
    response = await app.http.get(f"{BASE}/pupils/nobody/access", headers=admin(app))
    assert (response.status_code, response.json()["reason"]) == (422, "unknown_pupil")
