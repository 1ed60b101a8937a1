"""The enrollment's HTTP API over a running app, on real NATS and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from contracts.streams import ENROLLMENT
from services.common.dev_tokens import DevTokenIssuer
from services.enrollment import bootstrap
from tests.support.enrollment_served import MOTHER
from tests.support.running import enrollment_settings
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration

BASE = "/enrollment/v1/schools/s1"


def admin(app) -> dict[str, str]:
    return app.headers("adm1", "admin")


async def appended(js) -> int:
    return (await js.stream_info(ENROLLMENT.name)).state.messages


async def submit(app, body=None, **headers) -> dict:
    response = await app.http.post(
        f"{BASE}/applications", json=body or MOTHER, headers={**admin(app), **headers}
    )
    assert response.status_code == 201, response.text
    return response.json()


async def post(app, path: str, body: dict | None = None) -> dict:
    response = await app.http.post(f"{BASE}{path}", json=body, headers=admin(app))
    assert response.status_code == 200, response.text
    return response.json()


async def read(app, path: str, **params) -> dict:
    async def ready():
        response = await app.http.get(f"{BASE}{path}", params=params, headers=admin(app))
        assert response.status_code == 200, response.text
        return response.json()

    return await eventually(ready)


def refusal(response, status: int, reason: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["reason"] == reason


async def test_the_whole_flow_submit_print_check_approve_withdraw(app, js):
    submitted = await submit(app)
    app_id = submitted["application_id"]
    assert submitted["status"] == "submitted"
    assert (submitted["pupil_id"], submitted["uid"], submitted["link_live"]) == ("p01", 1001, False)

    view = await read(app, f"/applications/{app_id}")
    assert view["applicant_name"] == MOTHER["applicant_name"]
    html = await app.http.get(f"{BASE}/applications/{app_id}/form", headers=admin(app))
    assert html.status_code == 200
    assert html.headers["content-type"].startswith("text/html")
    assert "Иванова Мария Петровна" in html.text
    assert "Ученик Номер 0" in html.text  # the pupil's name from the roster
    pdf = await app.http.get(f"{BASE}/applications/{app_id}/form.pdf", headers=admin(app))
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")

    checked = await post(app, f"/applications/{app_id}/passport-check", {"checked_by": "t-rus"})
    assert (checked["status"], checked["checked_by"]) == ("checked", "t-rus")
    approved = await post(app, f"/applications/{app_id}/approve")
    assert (approved["status"], approved["link_live"]) == ("approved", True)

    async def linked():
        access = await read(app, "/pupils/p01/access")
        assert len(access["links"]) == 1
        return access

    (link,) = (await eventually(linked))["links"]
    assert (link["application_id"], link["uid"], link["live"]) == (app_id, 1001, True)
    assert link["granted_by"] == "adm1"

    withdrawn = await post(
        app,
        f"/applications/{app_id}/withdraw",
        {"requested_by": "parent", "reason": "письменное заявление"},
    )
    assert (withdrawn["status"], withdrawn["link_live"]) == ("withdrawn", False)

    async def ended():
        view = await read(app, f"/applications/{app_id}")
        assert view["status"] == "withdrawn"
        return view

    view = await eventually(ended)
    assert view["checked_by"] == "t-rus"
    assert view["linked_from"] is not None
    assert view["linked_to"] is not None
    assert (view["end_requested_by"], view["end_reason"]) == ("parent", "письменное заявление")
    listed = await read(app, "/applications", status="withdrawn", pupil="p01")
    assert [a["application_id"] for a in listed] == [app_id]
    assert await appended(js) == 4


async def test_refusals_are_clear_and_append_nothing(app, js):
    first = await submit(app)
    before = await appended(js)
    url = f"{BASE}/applications"

    unknown = await app.http.post(url, json={**MOTHER, "pupil_id": "nobody"}, headers=admin(app))
    refusal(unknown, 422, "unknown_pupil")
    duplicate = await app.http.post(url, json=MOTHER, headers=admin(app))
    refusal(duplicate, 409, "duplicate_application")
    no_check = await app.http.post(f"{url}/{first['application_id']}/approve", headers=admin(app))
    refusal(no_check, 409, "not_checked")
    missing = await app.http.post(f"{url}/p01-0123456789/approve", headers=admin(app))
    refusal(missing, 404, "application_not_found")
    bad_checker = await app.http.post(
        f"{url}/{first['application_id']}/passport-check",
        json={"checked_by": "nobody"},
        headers=admin(app),
    )
    refusal(bad_checker, 422, "unknown_staff")
    no_kinship = await app.http.post(
        url, json={**MOTHER, "uid": 1002, "kinship": None}, headers=admin(app)
    )
    refusal(no_kinship, 422, "kinship_required")
    invalid = await app.http.post(url, json={**MOTHER, "uid": -1}, headers=admin(app))
    refusal(invalid, 422, "invalid_request")

    assert await appended(js) == before


async def test_a_uid_already_linked_cannot_apply_again(app, js):
    app_id = (await submit(app))["application_id"]
    await post(app, f"/applications/{app_id}/passport-check", {"checked_by": "t-rus"})
    await post(app, f"/applications/{app_id}/approve")
    before = await appended(js)

    again = await app.http.post(f"{BASE}/applications", json=MOTHER, headers=admin(app))

    refusal(again, 409, "uid_already_linked")
    assert await appended(js) == before


async def test_tokens_are_checked_before_anything_is_recorded(app, js):
    url = f"{BASE}/applications"
    forged = DevTokenIssuer("f" * 64).mint("adm1", ["admin"], "s1")
    expired = app.issuer.mint(
        "adm1", ["admin"], "s1", now=dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    )
    cases = [
        ({}, 401, "missing_token"),
        ({"Authorization": f"Bearer {forged}"}, 401, "invalid_signature"),
        ({"Authorization": f"Bearer {expired}"}, 401, "expired_token"),
        (app.headers("adm1", "admin", school="s2"), 403, "wrong_school"),
        (app.headers("t-math", "teacher"), 403, "role_not_allowed"),
        (app.headers("head1", "head"), 403, "role_not_allowed"),
    ]
    for headers, status, reason in cases:
        refusal(await app.http.post(url, json=MOTHER, headers=headers), status, reason)
    assert await appended(js) == 0

    for role in ("head", "deputy", "admin"):
        response = await app.http.get(url, headers=app.headers("u1", role))
        assert response.status_code == 200, (role, response.text)
    for role in ("teacher", "parent", "auditor"):
        refusal(await app.http.get(url, headers=app.headers("u1", role)), 403, "role_not_allowed")
    other = await app.http.get(url, headers=app.headers("u1", "head", school="s2"))
    refusal(other, 403, "wrong_school")


async def test_an_idempotency_key_records_an_application_once(app, js):
    first = await submit(app, **{"Idempotency-Key": "form-17"})
    again = await submit(app, **{"Idempotency-Key": "form-17"})

    assert again["application_id"] == first["application_id"]
    assert (first["duplicate"], again["duplicate"]) == (False, True)
    assert await appended(js) == 1


async def test_departure_ends_every_link_and_refuses_new_applications(app, js):
    ids = []
    for uid, relation, kinship in ((1001, "parent", "mother"), (2001, "pupil", None)):
        body = {**MOTHER, "uid": uid, "relation": relation, "kinship": kinship}
        app_id = (await submit(app, body))["application_id"]
        await post(app, f"/applications/{app_id}/passport-check", {"checked_by": "t-rus"})
        await post(app, f"/applications/{app_id}/approve")
        ids.append(app_id)

    departed = await post(
        app, "/pupils/p01/departure", {"last_day": "2026-11-01", "reason": "переезд"}
    )

    assert sorted(departed["ended"]) == sorted(ids)
    late = await app.http.post(
        f"{BASE}/applications", json={**MOTHER, "uid": 3001}, headers=admin(app)
    )
    refusal(late, 409, "pupil_departed")

    async def all_ended():
        access = await read(app, "/pupils/p01/access")
        assert access["departure"] is not None
        assert [link["live"] for link in access["links"]] == [False, False]
        assert {link["end_requested_by"] for link in access["links"]} == {"departure"}

    await eventually(all_ended)


async def test_a_rebuild_swaps_in_both_projections_while_the_app_runs(
    app, nats_url, database_url, pg_schema
):
    app_id = (await submit(app))["application_id"]
    await read(app, f"/applications/{app_id}")
    settings = enrollment_settings(nats_url, database_url, pg_schema, "x" * 32)

    view, roster = await bootstrap.rebuild_views(app.runtime, settings)

    assert (view.schema, view.last_seq, view.dead_letters) == (pg_schema, 1, 0)
    assert roster.schema == f"{pg_schema}_roster"
    assert (await read(app, f"/applications/{app_id}"))["status"] == "submitted"
    second = await submit(app, {**MOTHER, "pupil_id": "p02"})
    await read(app, f"/applications/{second['application_id']}")

    async def ready():
        response = await app.http.get("/readyz")
        assert response.status_code == 200, response.text
        return response.json()

    checks = (await eventually(ready))["checks"]
    assert checks == {
        "nats": True,
        "postgres": True,
        "projector": True,
        "roster_projector": True,
    }


async def test_an_open_application_is_rejected_with_its_reason(app):
    app_id = (await submit(app))["application_id"]

    rejected = await post(app, f"/applications/{app_id}/reject", {"reason": "ФИО не совпадают"})

    assert (rejected["status"], rejected["rejection_reason"]) == ("rejected", "ФИО не совпадают")
    again = await app.http.post(f"{BASE}/applications/{app_id}/approve", headers=admin(app))
    refusal(again, 409, "already_decided")

    async def decided():
        view = await read(app, f"/applications/{app_id}")
        assert view["status"] == "rejected"
        return view

    view = await eventually(decided)
    assert (view["decided_by"], view["linked_from"]) == ("adm1", None)
    form = await app.http.get(f"{BASE}/applications/{app_id}/form", headers=admin(app))
    assert "ФИО не совпадают" in form.text
    bad_filter = await app.http.get(
        f"{BASE}/applications", params={"status": "lost"}, headers=admin(app)
    )
    refusal(bad_filter, 422, "invalid_request")
