"""Running the exporter's HTTP app in-process against real servers, for tests and docs."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI
from pydantic import SecretStr

from services.common.settings import AuthSettings, NatsSettings
from services.common.testing.http import RunningApp, running_app
from services.exporter.bootstrap import Runtime
from services.exporter.entrypoints.http import create_app
from services.exporter.settings import ExporterPostgres, Settings

TEST_PSEUDONYM_KEY = "exporter-test-pseudonym-key-0123456789abcdef"
"""A fixed key, so tests and e2e runs can compute the pseudonyms the exporter publishes."""


RunningExporter = RunningApp[Runtime]
"""The exporter app in-process: HTTP client, runtime and a trusted token issuer."""


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

    def make_app(secret: str) -> FastAPI:
        return create_app(settings_for(nats_url, database_url, schema, secret))

    async with running_app(make_app, "http://exporter") as running:
        yield running
