"""The diary check over HTTP: who may run it, and a clear answer when a side cannot be read."""

from __future__ import annotations

import pytest

from deploy.launcher.ports import free_port
from services.exporter.entrypoints.http import create_app
from tests.support.running import exporter_settings, running_app

pytestmark = pytest.mark.integration

CHECK = "/exporter/v1/schools/s1/years/2026/check"


async def test_the_check_is_for_the_school_leadership_and_says_when_a_side_is_down(
    js, nats_url, database_url, pg_schema
):
    nowhere = f"http://127.0.0.1:{free_port()}"  # nothing listens there

    def make_app(secret: str):
        settings = exporter_settings(nats_url, database_url, pg_schema, secret)
        return create_app(
            settings.model_copy(update={"journal_url": nowhere, "diary_url": nowhere})
        )

    async with running_app(make_app, "http://exporter") as app:
        teacher = await app.http.get(CHECK, headers=app.headers("u1", "teacher"))
        assert (teacher.status_code, teacher.json()["reason"]) == (403, "role_not_allowed")
        other = await app.http.get(CHECK, headers=app.headers("u1", "admin", school="s2"))
        assert (other.status_code, other.json()["reason"]) == (403, "wrong_school")
        for role in ("admin", "deputy", "head"):
            down = await app.http.get(CHECK, headers=app.headers("u1", role))
            assert down.status_code == 502, down.text
            assert down.json()["reason"] == "check_unavailable"
