"""The exporter's HTTP API: runs now and reads run records, for the school's administrator only."""

from __future__ import annotations

import pytest

from tests.support.journal import SCHOOL, YEAR
from tests.support.running import running_exporter

pytestmark = pytest.mark.integration

RUNS = f"/exporter/v1/schools/{SCHOOL}/years/{YEAR}/runs"


async def test_an_admin_runs_exports_and_reads_their_records(
    js, journal, nats_url, database_url, pg_schema
):
    async with running_exporter(nats_url, database_url, pg_schema) as app:
        admin = app.headers("adm1", "admin")
        created = await app.http.post(RUNS, json={"kind": "delta"}, headers=admin)
        assert created.status_code == 201, created.text
        run = created.json()
        assert run["status"] == "published"
        assert run["trigger"] == "api"
        assert run["records"] > 0

        again = await app.http.post(RUNS, json={"kind": "delta"}, headers=admin)
        assert again.status_code == 200
        assert again.json()["run_id"] == run["run_id"]
        assert again.json()["already_exported"] is True

        full = await app.http.post(RUNS, json={"kind": "full"}, headers=admin)
        assert full.status_code == 201
        assert full.json()["records"] == run["records"]

        listed = await app.http.get(RUNS, params={"limit": 5}, headers=admin)
        assert [r["kind"] for r in listed.json()] == ["full", "delta"]
        one = await app.http.get(f"{RUNS}/{run['run_id']}", headers=admin)
        assert one.json()["batch_id"] == run["batch_id"]
        missing = await app.http.get(f"{RUNS}/00000000-0000-0000-0000-000000000000", headers=admin)
        assert missing.status_code == 404

        bad = await app.http.post(RUNS, json={"kind": "weekly"}, headers=admin)
        assert bad.status_code == 422
        forced_delta = await app.http.post(
            RUNS, json={"kind": "delta", "force": True}, headers=admin
        )
        assert (forced_delta.status_code, forced_delta.json()["reason"]) == (422, "invalid_request")
        forced = await app.http.post(RUNS, json={"kind": "full", "force": True}, headers=admin)
        assert forced.status_code == 201, forced.text
        assert not forced.json()["already_exported"]
        assert (await app.http.get("/healthz")).status_code == 200
        assert (await app.http.get("/readyz")).json()["status"] == "ready"


@pytest.mark.parametrize(
    ("roles", "school", "status", "reason"),
    [
        (("teacher",), SCHOOL, 403, "role_not_allowed"),
        (("head",), SCHOOL, 403, "role_not_allowed"),
        (("admin",), "other", 403, "wrong_school"),
    ],
)
async def test_anyone_but_the_school_admin_is_refused(  # noqa: PLR0917 - fixtures and cases
    js, nats_url, database_url, pg_schema, roles, school, status, reason
):
    async with running_exporter(nats_url, database_url, pg_schema) as app:
        headers = app.headers("u1", *roles, school=school)
        for answer in (
            await app.http.post(RUNS, json={"kind": "delta"}, headers=headers),
            await app.http.get(RUNS, headers=headers),
        ):
            assert answer.status_code == status
            assert answer.headers["content-type"].startswith("application/problem+json")
            assert answer.json()["reason"] == reason
        assert (await app.http.get(RUNS)).status_code == 401
