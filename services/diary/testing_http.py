"""Running the diary's HTTP app in-process against real servers, for end-to-end tests."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from services.common.settings import AuthSettings, NatsSettings
from services.common.testing.http import RunningApp, running_app
from services.diary.bootstrap import Runtime
from services.diary.entrypoints.http import create_app
from services.diary.settings import DiaryPostgres, Settings

RunningDiary = RunningApp[Runtime]
"""The diary app in-process: HTTP client, runtime and a trusted token issuer."""


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

    def make_app(secret: str) -> FastAPI:
        return create_app(settings_for(nats_url, database_url, schema, secret))

    async with running_app(make_app, "http://diary") as running:
        yield running
