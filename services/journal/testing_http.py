"""Running the journal's HTTP app in-process against real servers, for end-to-end tests."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx

from services.common.auth import DevTokenIssuer
from services.common.settings import AuthSettings, NatsSettings
from services.journal.bootstrap import Runtime
from services.journal.entrypoints.http import create_app
from services.journal.settings import JournalPostgres, Settings


@dataclass(frozen=True)
class RunningJournal:
    """The app's HTTP client, its runtime and a token issuer its verifier trusts."""

    http: httpx.AsyncClient
    runtime: Runtime
    issuer: DevTokenIssuer
    school: str = "s1"

    def headers(self, user_id: str, *roles: str, school: str | None = None) -> dict[str, str]:
        """Authorization for a user of the school (or of another school)."""
        token = self.issuer.mint(user_id, roles, school or self.school)
        return {"Authorization": f"Bearer {token}"}


def settings_for(nats_url: str, database_url: str, schema: str, secret: str) -> Settings:
    """Journal settings pointing at the given servers and schema."""
    return Settings(
        nats=NatsSettings(url=nats_url),
        pg=JournalPostgres(dsn=database_url, schema_name=schema),
        auth=AuthSettings(dev_secret=secret),
        log_json=False,
    )


@contextlib.asynccontextmanager
async def running_journal(
    nats_url: str, database_url: str, schema: str
) -> AsyncIterator[RunningJournal]:
    """The journal app with its lifespan entered, served through an in-process transport."""
    secret = secrets.token_hex(32)
    app = create_app(settings_for(nats_url, database_url, schema, secret))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://journal") as http:
            yield RunningJournal(http, app.state.runtime, DevTokenIssuer(secret))
