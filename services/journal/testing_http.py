"""Running the journal's HTTP app in-process against real servers, for end-to-end tests."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from services.common.settings import AuthSettings, NatsSettings
from services.common.testing.http import RunningApp, running_app
from services.journal.bootstrap import Runtime
from services.journal.entrypoints.http import create_app
from services.journal.settings import JournalPostgres, Settings

RunningJournal = RunningApp[Runtime]
"""The journal app in-process: HTTP client, runtime and a trusted token issuer."""


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

    def make_app(secret: str) -> FastAPI:
        return create_app(settings_for(nats_url, database_url, schema, secret))

    async with running_app(make_app, "http://journal") as running:
        yield running
