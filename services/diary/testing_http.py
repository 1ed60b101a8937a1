"""Running the diary's HTTP app in-process against real servers, for end-to-end tests."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx

from services.common.auth import DevTokenIssuer
from services.common.settings import AuthSettings, NatsSettings
from services.diary.bootstrap import Runtime
from services.diary.entrypoints.http import create_app
from services.diary.settings import DiaryPostgres, Settings


@dataclass(frozen=True)
class RunningDiary:
    """The app's HTTP client, its runtime and a token issuer its verifier trusts."""

    http: httpx.AsyncClient
    runtime: Runtime
    issuer: DevTokenIssuer
    school: str = "s1"

    def headers(
        self, user_id: str, *roles: str, uid: int | None = None, school: str | None = None
    ) -> dict[str, str]:
        """Authorization for a user of the school (or of another school), with a portal UID."""
        token = self.issuer.mint(user_id, roles, school or self.school, uid=uid)
        return {"Authorization": f"Bearer {token}"}


def settings_for(nats_url: str, database_url: str, schema: str, secret: str) -> Settings:
    """Diary settings pointing at the given servers and schema."""
    return Settings(
        nats=NatsSettings(url=nats_url),
        pg=DiaryPostgres(dsn=database_url, schema_name=schema),
        auth=AuthSettings(dev_secret=secret),
        log_json=False,
    )


@contextlib.asynccontextmanager
async def running_diary(
    nats_url: str, database_url: str, schema: str
) -> AsyncIterator[RunningDiary]:
    """The diary app with its lifespan entered, served through an in-process transport."""
    secret = secrets.token_hex(32)
    app = create_app(settings_for(nats_url, database_url, schema, secret))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://diary") as http:
            yield RunningDiary(http, app.state.runtime, DevTokenIssuer(secret))
