"""Running the exporter's HTTP app in-process against real servers, for tests and docs."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
from pydantic import SecretStr

from services.common.auth import DevTokenIssuer
from services.common.settings import AuthSettings, NatsSettings
from services.exporter.bootstrap import Runtime
from services.exporter.entrypoints.http import create_app
from services.exporter.settings import ExporterPostgres, Settings

TEST_PSEUDONYM_KEY = "exporter-test-pseudonym-key-0123456789abcdef"
"""A fixed key, so tests and e2e runs can compute the pseudonyms the exporter publishes."""


@dataclass(frozen=True)
class RunningExporter:
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
    """Exporter settings pointing at the given servers and schema (no schedule)."""
    return Settings(
        nats=NatsSettings(url=nats_url),
        pg=ExporterPostgres(dsn=database_url, schema_name=schema),
        auth=AuthSettings(dev_secret=secret),
        pseudonym_key=SecretStr(TEST_PSEUDONYM_KEY),
        schedule_enabled=False,
        log_json=False,
    )


@contextlib.asynccontextmanager
async def running_exporter(
    nats_url: str, database_url: str, schema: str
) -> AsyncIterator[RunningExporter]:
    """The exporter app with its lifespan entered, served through an in-process transport."""
    secret = secrets.token_hex(32)
    app = create_app(settings_for(nats_url, database_url, schema, secret))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://exporter") as http:
            yield RunningExporter(http, app.state.runtime, DevTokenIssuer(secret))
