"""The diary check over HTTP: who may run it, and a clear answer when a side cannot be read."""

from __future__ import annotations

import httpx
import pytest

from services.common.auth import DevTokenIssuer
from services.common.testing.servers import free_port
from services.exporter.entrypoints.http import create_app
from services.exporter.testing_http import settings_for

pytestmark = pytest.mark.integration

SECRET = "s" * 32
CHECK = "/exporter/v1/schools/s1/years/2026/check"


async def test_the_check_is_for_the_school_leadership_and_says_when_a_side_is_down(
    js, nats_url, database_url, pg_schema
):
    nowhere = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    settings = settings_for(nats_url, database_url, pg_schema, SECRET).model_copy(
        update={"journal_url": nowhere, "diary_url": nowhere}
    )
    app = create_app(settings)
    issuer = DevTokenIssuer(SECRET)

    def auth(*roles: str, school: str = "s1") -> dict[str, str]:
        return {"Authorization": f"Bearer {issuer.mint('u1', roles, school)}"}

    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://exporter") as http:
            teacher = await http.get(CHECK, headers=auth("teacher"))
            assert (teacher.status_code, teacher.json()["reason"]) == (403, "role_not_allowed")
            other = await http.get(CHECK, headers=auth("admin", school="s2"))
            assert (other.status_code, other.json()["reason"]) == (403, "wrong_school")
            for role in ("admin", "deputy", "head"):
                down = await http.get(CHECK, headers=auth(role))
                assert down.status_code == 502, down.text
                assert down.json()["reason"] == "check_unavailable"
